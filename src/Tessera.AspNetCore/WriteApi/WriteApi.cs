using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.Aggregates;
using Tessera.AspNetCore.Problems;
using Tessera.AspNetCore.Security;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Serialization;

namespace Tessera.AspNetCore.WriteApi;

/// <summary>The Write API: commands by their stable names, and the electronic-signature challenge.</summary>
public static class WriteApiEndpoints
{
    /// <summary>The request header that carries an electronic signature as JSON: signer, meaning, and password or token.</summary>
    public const string SignatureHeader = "Tessera-Signature";

    /// <summary>The request header whose value becomes the command id, so a retry is answered with the first result.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly Guid IdempotencyNamespace = new("3b0e7a52-8d6c-4c1f-9f0e-2a7d5b3c9e41");

    /// <summary>Maps POST /commands/{name} and POST /signatures/challenge (write scope).</summary>
    public static IEndpointRouteBuilder MapWriteApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var write = endpoints.MapGroup(string.Empty).RequireAuthorization(TesseraScopes.Write).WithTags("Write API");
        write.MapPost("/commands/{name}", SendCommandAsync);
        write.MapPost("/signatures/challenge", ChallengeAsync);
        return endpoints;
    }

    private static async Task<IResult> SendCommandAsync(string name, HttpContext http, CommandBus bus, JsonBodyReader reader)
    {
        if (!bus.Commands.TryGetValue(name, out var type))
        {
            return ProblemResults.UnknownName("command", name);
        }
        var (command, problem) = await reader.ReadAsync(http.Request, type);
        if (problem is not null)
        {
            return problem;
        }
        if (!TryCommandId(http, out var commandId, out problem) || !TrySignature(http, out var signature, out problem))
        {
            return problem!;
        }
        var context = new CommandContext
        {
            User = http.User,
            CommandId = commandId,
            Signature = signature,
            CancellationToken = http.RequestAborted,
        };
        var result = await bus.SendAsync((ICommand)command!, context);
        return ProblemResults.ForCommand(result, http.Response);
    }

    private static async Task<IResult> ChallengeAsync(HttpContext http, CommandBus bus, JsonBodyReader reader, MessageSerializer serializer, SignatureTokens tokens, SignatureAudit audit, TimeProvider time)
    {
        var (body, problem) = await reader.ReadAsync(http.Request, typeof(SignatureChallenge));
        if (problem is not null)
        {
            return problem;
        }
        var challenge = (SignatureChallenge)body!;
        if (!bus.Commands.TryGetValue(challenge.Command, out var type))
        {
            return ProblemResults.UnknownName("command", challenge.Command);
        }
        var (command, bindProblem) = reader.Bind(challenge.Payload, type);
        if (bindProblem is not null)
        {
            return bindProblem;
        }
        var user = http.User;
        var hash = CommandHash.Compute(challenge.Command, serializer.Serialize(command!));
        var verdict = !string.Equals(challenge.Signer, user.Identity?.Name, StringComparison.Ordinal)
            ? SignatureVerification.Rejected("The signer must be the user who asks for the challenge.")
            : await tokens.Passwords.VerifyAsync(new SignatureRequest(new SignatureBlock(challenge.Signer, challenge.Meaning, challenge.Password), user, challenge.Command, hash), http.RequestAborted);
        var now = time.GetUtcNow();
        await audit.RecordAsync(new SignatureAuditEntry(Guid.Empty, challenge.Command, hash, challenge.Signer, challenge.Meaning, user.Identity?.Name, now, verdict.IsValid, "challenge: " + verdict.Detail), http.RequestAborted);
        if (!verdict.IsValid)
        {
            return ProblemResults.Problem(StatusCodes.Status403Forbidden, "Electronic signature rejected", verdict.Detail);
        }
        var (token, expiresAt) = tokens.Issue(challenge.Signer, challenge.Meaning, hash);
        return Results.Json(new SignatureChallengeReply(token, hash, expiresAt), WriteApiJsonContext.Default.SignatureChallengeReply);
    }

    /// <summary>The Idempotency-Key header, scoped to the user so two users' keys never meet, becomes the command id.</summary>
    private static bool TryCommandId(HttpContext http, out Guid commandId, out IResult? problem)
    {
        commandId = Guid.Empty;
        problem = null;
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length == 0)
        {
            return true;
        }
        if (key.Length > 200)
        {
            problem = ProblemResults.BadBody("The Idempotency-Key header has at most 200 characters.", IdempotencyHeader);
            return false;
        }
        commandId = EventIds.Derive(IdempotencyNamespace, $"{http.User.Identity?.Name}\n{key}", 0);
        return true;
    }

    private static bool TrySignature(HttpContext http, out SignatureBlock? signature, out IResult? problem)
    {
        signature = null;
        problem = null;
        var header = http.Request.Headers[SignatureHeader].ToString();
        if (header.Length == 0)
        {
            return true;
        }
        SignatureHeaderValue? value = null;
        try
        {
            value = JsonSerializer.Deserialize(header, WriteApiJsonContext.Default.SignatureHeaderValue);
        }
        catch (JsonException)
        {
        }
        if (value is null || (value.Password is null) == (value.Token is null))
        {
            problem = ProblemResults.BadBody("The Tessera-Signature header is JSON with signer, meaning, and either password or token.", SignatureHeader);
            return false;
        }
        signature = new SignatureBlock(value.Signer ?? string.Empty, value.Meaning ?? string.Empty, value.Token is null ? value.Password! : SignatureTokens.CredentialPrefix + value.Token);
        return true;
    }
}

/// <summary>Asks for a signature token: the command and its payload, the signer, the meaning and the signer's password.</summary>
public sealed record SignatureChallenge(string Command, JsonElement Payload, string Signer, string Meaning, string Password);

/// <summary>A signature token, the command hash it is bound to, and when it expires.</summary>
public sealed record SignatureChallengeReply(string Token, string CommandHash, DateTimeOffset ExpiresAt);

internal sealed record SignatureHeaderValue(string? Signer, string? Meaning, string? Password, string? Token);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignatureChallenge))]
[JsonSerializable(typeof(SignatureChallengeReply))]
[JsonSerializable(typeof(SignatureHeaderValue))]
internal sealed partial class WriteApiJsonContext : JsonSerializerContext;

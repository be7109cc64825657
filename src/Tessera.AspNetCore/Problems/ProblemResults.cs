using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.Commands;

namespace Tessera.AspNetCore.Problems;

/// <summary>
/// The one place where outcomes become HTTP: command results, bad input and unknown names. Problem details carry a
/// title, a reason in words, and for rule violations every rule's code, message and field; never exception text.
/// </summary>
public static class ProblemResults
{
    /// <summary>The response header that carries the consistency token of an accepted command.</summary>
    public const string PositionHeader = "Tessera-Position";

    /// <summary>Turns a command's result into its reply.</summary>
    public static IResult ForCommand(CommandResult result, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return result.Status switch
        {
            CommandStatus.Accepted => Accepted(result, response),
            CommandStatus.ValidationFailed => Violations(result),
            CommandStatus.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", result.Reason),
            CommandStatus.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", result.Reason),
            CommandStatus.Unauthorized => Problem(StatusCodes.Status401Unauthorized, "Authentication required", result.Reason),
            CommandStatus.Forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", result.Reason),
            CommandStatus.SignatureRequired => Problem(StatusCodes.Status428PreconditionRequired, "Electronic signature required", result.Reason),
            CommandStatus.SignatureRejected => Problem(StatusCodes.Status403Forbidden, "Electronic signature rejected", result.Reason),
            _ => throw new InvalidOperationException($"No reply is defined for {result.Status}."),
        };
    }

    /// <summary>400: the body is not JSON, or does not bind; names the field where it can.</summary>
    public static IResult BadBody(string detail, params string[] fields) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request body does not bind",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["fields"] = fields });

    /// <summary>404 for a command or query name nobody declared.</summary>
    public static IResult UnknownName(string kind, string name) =>
        Problem(StatusCodes.Status404NotFound, $"Unknown {kind}", $"There is no {kind} named '{name}'.");

    /// <summary>A problem reply with a status, a title and a reason.</summary>
    public static IResult Problem(int status, string title, string? detail) => Results.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>Writes a problem reply outside an endpoint (authentication handlers, middleware).</summary>
    public static Task Write(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var body = new ProblemBody("about:blank", title, status, detail);
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, ProblemJsonContext.Default.ProblemBody), context.RequestAborted);
    }

    private static IResult Accepted(CommandResult result, HttpResponse response)
    {
        response.Headers[PositionHeader] = result.Position.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new AcceptedCommand(result.Position.Value, result.StreamVersion.Value), ProblemJsonContext.Default.AcceptedCommand, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Violations(CommandResult result)
    {
        var errors = result.Violations
            .GroupBy(v => v.Field ?? string.Empty)
            .ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray());
        var extensions = new Dictionary<string, object?>
        {
            ["violations"] = result.Violations.Select(v => new Dictionary<string, string?> { ["code"] = v.Code, ["message"] = v.Message, ["field"] = v.Field }).ToArray(),
        };
        return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The command breaks business rules", extensions: extensions);
    }
}

internal sealed record ProblemBody(string Type, string Title, int Status, string Detail);

/// <summary>The body of a 202 reply: the consistency token and the stream version.</summary>
public sealed record AcceptedCommand(long Position, long StreamVersion);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AcceptedCommand))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ProblemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

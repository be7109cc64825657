using Microsoft.Extensions.DependencyInjection;
using Tessera.Messages;
using Tessera.Serialization;

namespace Tessera.Commands.Steps;

/// <summary>
/// For a command that requires an electronic signature: checks that one is present, signed by the sender with an
/// allowed meaning, verifies its proof over a hash of the command, and passes the verified record on for the events.
/// </summary>
internal sealed class SignatureStep<TCommand>
    where TCommand : class, ICommand
{
    private readonly Func<TCommand, bool> _required;
    private readonly string[] _meanings;
    private readonly string _name;
    private readonly ISignatureVerifier _verifier;
    private readonly MessageSerializer _serializer;
    private readonly SignatureAudit _audit;
    private readonly TimeProvider _clock;

    public SignatureStep(CommandDescriptor<TCommand> descriptor, IServiceProvider services)
    {
        _required = descriptor.SignatureWhen!;
        _meanings = [.. descriptor.SignatureMeanings];
        _name = descriptor.Name;
        _verifier = services.GetRequiredService<ISignatureVerifier>();
        _serializer = services.GetRequiredService<MessageSerializer>();
        _audit = services.GetRequiredService<SignatureAudit>();
        _clock = services.GetRequiredService<TimeProvider>();
    }

    /// <summary>True when this command must be signed.</summary>
    public bool AppliesTo(TCommand command) => _required(command);

    /// <summary>Checks and verifies the signature, records the attempt, and passes the verified record on to <paramref name="next"/>.</summary>
    public async ValueTask<CommandResult> VerifyAsync(ICommand command, CommandContext context, CommandDelegate next)
    {
        // The audit entry and the signature record need the command's id and time: fix them now.
        context = context.Completed(_clock);
        if (context.Signature is not { } signature)
        {
            return CommandResult.SignatureRequired($"{_name} requires an electronic signature: signer, meaning and credential.");
        }
        if (context.User is not { Identity.IsAuthenticated: true } user)
        {
            return CommandResult.Unauthorized("The sender is not authenticated.");
        }
        var hash = CommandHash.Compute(_name, _serializer.Serialize(command));
        var refusal = Refusal(signature, user.Identity!.Name);
        var verdict = refusal is null
            ? await _verifier.VerifyAsync(new SignatureRequest(signature, user, _name, hash), context.CancellationToken)
            : SignatureVerification.Rejected(refusal);
        // Every attempt, accepted or refused, goes into the audit trail before the command goes on.
        await _audit.RecordAsync(new SignatureAuditEntry(context.CommandId, _name, hash, signature.Signer ?? string.Empty, signature.Meaning ?? string.Empty, user.Identity.Name, context.Time, verdict.IsValid, verdict.Detail), context.CancellationToken);
        if (!verdict.IsValid)
        {
            return CommandResult.SignatureRejected(verdict.Detail);
        }
        var record = new SignatureRecord(signature.Signer!, signature.Meaning!, context.Time, hash, verdict.Detail);
        return await next(command, context with { VerifiedSignature = record });
    }

    private string? Refusal(SignatureBlock signature, string? userName)
    {
        if (string.IsNullOrWhiteSpace(signature.Signer) || string.IsNullOrWhiteSpace(signature.Meaning) || string.IsNullOrEmpty(signature.Credential))
        {
            return "A signature needs a signer, a meaning and a credential.";
        }
        if (!string.Equals(signature.Signer, userName, StringComparison.Ordinal))
        {
            return "The signer must be the user who sends the command.";
        }
        if (_meanings.Length > 0 && Array.IndexOf(_meanings, signature.Meaning) < 0)
        {
            return $"The meaning of a signature on {_name} must be one of: {string.Join(", ", _meanings)}.";
        }
        return null;
    }
}

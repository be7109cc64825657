using System.Security.Claims;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>Everything about one dispatch besides the command: ids, sender, signature and time. Steps pass it on with <c>with</c>.</summary>
public readonly struct CommandContext
{
    /// <summary>The command's id; the same id sent again is answered with the first result. Empty means a new id.</summary>
    public Guid CommandId { get; init; }

    /// <summary>Ties together every message caused by one outside request. Empty means the command id.</summary>
    public Guid CorrelationId { get; init; }

    /// <summary>Who sends the command; null when no one is authenticated.</summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>The electronic signature the sender supplied, if any.</summary>
    public SignatureBlock? Signature { get; init; }

    /// <summary>When the command was accepted for processing; default means now. Retries reuse it, so a retried command decides the same way.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>Cancels the dispatch.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The stable name of the command being dispatched (set by the bus).</summary>
    public string CommandName { get; init; }

    /// <summary>The signature once verified (set by the signature step); it is stamped on every event the command raises.</summary>
    public SignatureRecord? VerifiedSignature { get; init; }

    /// <summary>True when the bus made up the command id: such a command cannot have run before.</summary>
    internal bool HasFreshId { get; init; }

    /// <summary>The sender's name as stored in event metadata.</summary>
    public string? UserName => User?.Identity?.Name;

    /// <summary>
    /// A context for a follow-up command that this one causes (for example reserving a unique name): its command id is
    /// derived from this one and <paramref name="purpose"/>, so a retry derives the same id; user, time and correlation stay.
    /// </summary>
    public CommandContext Derive(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (CommandId == Guid.Empty)
        {
            throw new InvalidOperationException("Derive needs a command id; the bus or the aggregate factory sets one.");
        }
        return this with { CommandId = Aggregates.EventIds.Derive(CommandId, purpose, -1), HasFreshId = false };
    }
}

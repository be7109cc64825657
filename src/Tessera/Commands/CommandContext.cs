using System.Security.Claims;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>Everything about one dispatch besides the command: ids, sender, signature and time. Steps pass it on with <c>with</c>.</summary>
public readonly struct CommandContext
{
    private readonly Guid _commandId;
    private readonly Guid _correlationId;
    private readonly DateTimeOffset _time;

    // The supplied signature, or both it and the verified record (one reference keeps the struct small).
    private readonly object? _signature;

    // Made by the bus: the time and command id it makes only when something reads them (null outside a dispatch).
    private readonly CommandStamp? _stamp;
    private readonly int _stampGeneration;

    /// <summary>The command's id; the same id sent again is answered with the first result. Empty means a new id.</summary>
    public Guid CommandId
    {
        get => _commandId != Guid.Empty || _stamp is null ? _commandId : _stamp.CommandId(_stampGeneration);
        init => _commandId = value;
    }

    /// <summary>Ties together every message caused by one outside request. Empty means the command id.</summary>
    public Guid CorrelationId
    {
        get => _correlationId != Guid.Empty || _stamp is null ? _correlationId : CommandId;
        init => _correlationId = value;
    }

    /// <summary>Who sends the command; null when no one is authenticated.</summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>The electronic signature the sender supplied, if any.</summary>
    public SignatureBlock? Signature
    {
        get => _signature as SignatureBlock ?? (_signature as VerifiedSignatureSlot)?.Supplied;
        init => _signature = _signature is VerifiedSignatureSlot verified ? new VerifiedSignatureSlot(value, verified.Record) : value;
    }

    /// <summary>When the command was accepted for processing; default means now. Retries reuse it, so a retried command decides the same way.</summary>
    /// <remarks>Inside a dispatch the bus takes the time when something first reads it, and every copy of the context then sees that same time.</remarks>
    public DateTimeOffset Time
    {
        get => _time != default || _stamp is null ? _time : _stamp.Time(_stampGeneration);
        init => _time = value;
    }

    /// <summary>Cancels the dispatch.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The stable name of the command being dispatched (set by the bus).</summary>
    public string CommandName { get; init; }

    /// <summary>The signature once verified (set by the signature step); it is stamped on every event the command raises.</summary>
    public SignatureRecord? VerifiedSignature
    {
        get => (_signature as VerifiedSignatureSlot)?.Record;
        init => _signature = value is null ? Signature : new VerifiedSignatureSlot(Signature, value);
    }

    /// <summary>True when the bus or the factory made the command id up, even once fixed as a value: such a command cannot have run before.</summary>
    internal bool HasFreshId { get; init; }

    /// <summary>True when the sender (or <see cref="Derive"/>) chose the command id: only such a command can have run before.</summary>
    internal bool HasChosenCommandId => _commandId != Guid.Empty && !HasFreshId;

    /// <summary>The sender's name as stored in event metadata.</summary>
    public string? UserName => User?.Identity?.Name;

    /// <summary>
    /// A context for a follow-up command that this one causes (for example reserving a unique name): its command id is
    /// derived from this one and <paramref name="purpose"/>, so a retry derives the same id; user, time and correlation stay.
    /// </summary>
    public CommandContext Derive(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var commandId = CommandId;
        if (commandId == Guid.Empty)
        {
            throw new InvalidOperationException("Derive needs a command id; the bus or the aggregate factory sets one.");
        }
        return this with { CommandId = Aggregates.EventIds.Derive(commandId, purpose, -1), CorrelationId = CorrelationId, Time = Time, HasFreshId = false };
    }

    /// <summary>The context as the bus hands it to a command's pipeline: its name set, no verified signature the sender could forge, and the stamp that makes time and id on demand.</summary>
    internal CommandContext ForDispatch(string commandName, CommandStamp? stamp, int stampGeneration) =>
        new(this, commandName, stamp, stampGeneration);

    /// <summary>The context with its time, command id and correlation id fixed as values (taken from the stamp, or made now).</summary>
    internal CommandContext Completed(TimeProvider clock)
    {
        var time = Time;
        if (time == default)
        {
            time = clock.GetUtcNow();
        }
        var fresh = !HasChosenCommandId;
        var commandId = CommandId;
        if (commandId == Guid.Empty)
        {
            commandId = CommandIds.New(time);
        }
        var correlationId = _correlationId == Guid.Empty ? commandId : _correlationId;
        return this with { Time = time, CommandId = commandId, CorrelationId = correlationId, HasFreshId = fresh };
    }

    private CommandContext(in CommandContext from, string commandName, CommandStamp? stamp, int stampGeneration)
    {
        if (from._stamp is null)
        {
            (_commandId, _correlationId, _time) = (from._commandId, from._correlationId, from._time);
        }
        else
        {
            // A handler sends on the context it got: the new dispatch keeps its id, correlation and time, as values.
            (_commandId, _correlationId, _time) = (from.CommandId, from.CorrelationId, from.Time);
        }
        _signature = from._signature is VerifiedSignatureSlot verified ? verified.Supplied : from._signature;
        _stamp = stamp;
        _stampGeneration = stampGeneration;
        User = from.User;
        CancellationToken = from.CancellationToken;
        CommandName = commandName;
        HasFreshId = false;
    }

    private sealed record VerifiedSignatureSlot(SignatureBlock? Supplied, SignatureRecord Record);
}

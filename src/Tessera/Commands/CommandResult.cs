using Tessera.Aggregates;
using Tessera.Storage;

namespace Tessera.Commands;

/// <summary>The ack or nack of a command, with a consistency token when accepted; never domain data.</summary>
public readonly struct CommandResult
{
    private CommandResult(CommandStatus status, GlobalPosition position, StreamVersion streamVersion, IReadOnlyList<RuleViolation>? violations, string? reason)
    {
        Status = status;
        Position = position;
        StreamVersion = streamVersion;
        Violations = violations ?? [];
        Reason = reason;
    }

    /// <summary>What happened to the command.</summary>
    public CommandStatus Status { get; }

    /// <summary>When accepted: the global position of the last event appended, the token for read-your-writes.</summary>
    public GlobalPosition Position { get; }

    /// <summary>When accepted: the version of the aggregate's stream after the command.</summary>
    public StreamVersion StreamVersion { get; }

    /// <summary>When validation failed: every violated rule.</summary>
    public IReadOnlyList<RuleViolation> Violations { get; }

    /// <summary>Why the command was not accepted, in words (not for parsing).</summary>
    public string? Reason { get; }

    /// <summary>True when the command was accepted.</summary>
    public bool IsAccepted => Status == CommandStatus.Accepted;

    /// <summary>The command ran; its events (if any) are durable.</summary>
    public static CommandResult Accepted(GlobalPosition position, StreamVersion streamVersion) => new(CommandStatus.Accepted, position, streamVersion, null, null);

    /// <summary>One or more business rules were violated; nothing was appended.</summary>
    public static CommandResult ValidationFailed(IReadOnlyList<RuleViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count == 0)
        {
            throw new ArgumentException("A failed validation lists at least one violated rule.", nameof(violations));
        }
        return new(CommandStatus.ValidationFailed, default, default, violations, null);
    }

    /// <summary>The aggregate changed concurrently and retries did not get through; nothing was appended.</summary>
    public static CommandResult Conflict(string reason) => new(CommandStatus.Conflict, default, default, null, reason);

    /// <summary>The command needs an electronic signature and carried none.</summary>
    public static CommandResult SignatureRequired(string reason) => new(CommandStatus.SignatureRequired, default, default, null, reason);

    /// <summary>The command's electronic signature did not verify.</summary>
    public static CommandResult SignatureRejected(string reason) => new(CommandStatus.SignatureRejected, default, default, null, reason);

    /// <summary>The sender is not authenticated.</summary>
    public static CommandResult Unauthorized(string reason) => new(CommandStatus.Unauthorized, default, default, null, reason);

    /// <summary>The sender is authenticated but may not send this command.</summary>
    public static CommandResult Forbidden(string reason) => new(CommandStatus.Forbidden, default, default, null, reason);

    /// <summary>The command needs an existing aggregate and there is none.</summary>
    public static CommandResult NotFound(string reason) => new(CommandStatus.NotFound, default, default, null, reason);

    /// <inheritdoc />
    public override string ToString() => Status switch
    {
        CommandStatus.Accepted => $"Accepted at position {Position}, stream version {StreamVersion}",
        CommandStatus.ValidationFailed => $"ValidationFailed: {string.Join(", ", Violations.Select(v => v.Code))}",
        _ => $"{Status}: {Reason}",
    };
}

/// <summary>The outcomes of a command.</summary>
public enum CommandStatus
{
    /// <summary>Accepted; events are durable.</summary>
    Accepted,

    /// <summary>Business rules were violated.</summary>
    ValidationFailed,

    /// <summary>Concurrent change; retries exhausted.</summary>
    Conflict,

    /// <summary>An electronic signature is required.</summary>
    SignatureRequired,

    /// <summary>The electronic signature was rejected.</summary>
    SignatureRejected,

    /// <summary>No authenticated sender.</summary>
    Unauthorized,

    /// <summary>The sender may not send this command.</summary>
    Forbidden,

    /// <summary>The target aggregate does not exist.</summary>
    NotFound,
}

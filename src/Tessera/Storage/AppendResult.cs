namespace Tessera.Storage;

/// <summary>The outcome of an append: written (or already there), or refused on the expected version.</summary>
public readonly record struct AppendResult
{
    private AppendResult(AppendStatus status, GlobalPosition position, StreamVersion version)
    {
        Status = status;
        Position = position;
        Version = version;
    }

    /// <summary>Whether the events are in the store.</summary>
    public AppendStatus Status { get; }

    /// <summary>The global position of the last appended event (on success).</summary>
    public GlobalPosition Position { get; }

    /// <summary>The stream version of the last appended event on success, the stream's actual version on a conflict.</summary>
    public StreamVersion Version { get; }

    /// <summary>True when the events are durable in the store.</summary>
    public bool Succeeded => Status != AppendStatus.WrongExpectedVersion;

    /// <summary>The events were written.</summary>
    public static AppendResult Written(GlobalPosition position, StreamVersion version) => new(AppendStatus.Written, position, version);

    /// <summary>The same events (by id) were already stored; nothing was written again.</summary>
    public static AppendResult AlreadyStored(GlobalPosition position, StreamVersion version) => new(AppendStatus.AlreadyStored, position, version);

    /// <summary>The stream did not meet the expected version; nothing was written.</summary>
    public static AppendResult WrongExpectedVersion(StreamVersion actual) => new(AppendStatus.WrongExpectedVersion, GlobalPosition.Start, actual);
}

/// <summary>The kinds of <see cref="AppendResult"/>.</summary>
public enum AppendStatus
{
    /// <summary>The events were written and are durable.</summary>
    Written,

    /// <summary>An earlier append already stored these exact events; this one changed nothing.</summary>
    AlreadyStored,

    /// <summary>The stream's version did not match the expectation; nothing was written.</summary>
    WrongExpectedVersion,
}

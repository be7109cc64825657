namespace Tessera.Storage;

/// <summary>A page of one stream's events.</summary>
/// <param name="Events">The events, in the direction read.</param>
/// <param name="LastVersion">The stream's last version when read, <see cref="StreamVersion.None"/> if the stream has no events.</param>
/// <param name="IsEnd">True when no more events lie in the direction read.</param>
public sealed record StreamSlice(IReadOnlyList<RecordedEvent> Events, StreamVersion LastVersion, bool IsEnd)
{
    /// <summary>True when the stream has at least one event.</summary>
    public bool StreamExists => LastVersion != StreamVersion.None;
}

/// <summary>A page of the whole log, in global order.</summary>
/// <param name="Events">The events after the position asked for.</param>
/// <param name="Next">Where the next page starts: the position of the last event returned, or the position asked for.</param>
/// <param name="IsEnd">True when the page reached the log's head as it was when read.</param>
public sealed record AllSlice(IReadOnlyList<RecordedEvent> Events, GlobalPosition Next, bool IsEnd);

/// <summary>Which way to read a stream.</summary>
public enum ReadDirection
{
    /// <summary>From older to newer events.</summary>
    Forwards,

    /// <summary>From newer to older events.</summary>
    Backwards,
}

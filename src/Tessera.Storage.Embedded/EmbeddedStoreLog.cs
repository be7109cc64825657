using Microsoft.Extensions.Logging;

namespace Tessera.Storage.Embedded;

/// <summary>The embedded store's log messages, defined once.</summary>
internal static class EmbeddedStoreLog
{
    private static readonly Action<ILogger, string, long, long, long, Exception?> TornTail = LoggerMessage.Define<string, long, long, long>(
        LogLevel.Warning,
        new EventId(1, "TornTailCut"),
        "Cut a torn tail from segment {Segment} at offset {Offset}: {Bytes} bytes of a write that was never acknowledged; the log ends at position {Position}.");

    private static readonly Action<ILogger, string, Exception?> TornSegment = LoggerMessage.Define<string>(
        LogLevel.Warning,
        new EventId(2, "TornSegmentRemoved"),
        "Removed segment {Segment}: it was being made when the store stopped and holds no events.");

    private static readonly Action<ILogger, string, Exception?> IndexRebuilt = LoggerMessage.Define<string>(
        LogLevel.Information,
        new EventId(3, "IndexRebuilt"),
        "Rebuilt the index checkpoint of segment {Segment} by reading the segment.");

    private static readonly Action<ILogger, Exception?> SpareFailed = LoggerMessage.Define(
        LogLevel.Warning,
        new EventId(4, "SpareSegmentFailed"),
        "Preparing the next segment in the background failed; the writer tries again when it needs it.");

    private static readonly Action<ILogger, string, Exception?> IndexWriteFailed = LoggerMessage.Define<string>(
        LogLevel.Warning,
        new EventId(5, "IndexCheckpointFailed"),
        "Writing the index checkpoint of segment {Segment} failed; the next open reads the segment instead.");

    private static readonly Action<ILogger, string, Exception?> Failed = LoggerMessage.Define<string>(
        LogLevel.Critical,
        new EventId(6, "StoreReadOnly"),
        "The embedded event store in {Folder} is read-only and unhealthy: a write or flush to disk failed. Reopen the store to recover.");

    private static readonly Action<ILogger, string, Exception?> FollowStopped = LoggerMessage.Define<string>(
        LogLevel.Critical,
        new EventId(8, "FollowerStopped"),
        "The read-only follower of the embedded event store in {Folder} stopped following: it serves the events it had. Reopen it to recover.");

    private static readonly Action<ILogger, string, long, int, long, Exception?> OpenedStore = LoggerMessage.Define<string, long, int, long>(
        LogLevel.Information,
        new EventId(7, "StoreOpened"),
        "Opened the embedded event store in {Folder}: {Events} events in {Segments} segments, in {Milliseconds} ms.");

    public static void TornTailCut(this ILogger logger, string segment, long offset, long bytes, long position) => TornTail(logger, segment, offset, bytes, position, null);

    public static void TornSegmentRemoved(this ILogger logger, string segment) => TornSegment(logger, segment, null);

    public static void IndexCheckpointRebuilt(this ILogger logger, string segment) => IndexRebuilt(logger, segment, null);

    public static void SpareSegmentFailed(this ILogger logger, Exception exception) => SpareFailed(logger, exception);

    public static void IndexCheckpointFailed(this ILogger logger, string segment, Exception exception) => IndexWriteFailed(logger, segment, exception);

    public static void StoreReadOnly(this ILogger logger, string folder, Exception exception) => Failed(logger, folder, exception);

    public static void FollowerStopped(this ILogger logger, string folder, Exception exception) => FollowStopped(logger, folder, exception);

    public static void StoreOpened(this ILogger logger, string folder, long events, int segments, long milliseconds) =>
        OpenedStore(logger, folder, events, segments, milliseconds, null);
}

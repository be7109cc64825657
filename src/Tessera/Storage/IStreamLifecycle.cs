namespace Tessera.Storage;

/// <summary>
/// An optional part of the event store contract: delete streams (soft or for ever) and limit what reading a stream
/// returns. A store that offers it implements this next to <see cref="IEventStore"/>. Streams whose names start with
/// '$' (system streams such as the "$signatures" audit trail) can never be deleted, tombstoned or truncated.
/// </summary>
public interface IStreamLifecycle
{
    /// <summary>
    /// Soft-deletes a stream: it reads as not found, and an append with <see cref="ExpectedVersion.NoStream"/> recreates
    /// it (versions continue after the deleted ones); the deleted events stay in the log for read-all.
    /// On success the result carries the stream's last version at the time of deletion.
    /// </summary>
    ValueTask<AppendResult> DeleteStreamAsync(StreamName stream, ExpectedVersion expected, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream for ever: it reads as not found and every later append or change throws <see cref="StreamDeletedException"/>.</summary>
    ValueTask<AppendResult> TombstoneStreamAsync(StreamName stream, ExpectedVersion expected, CancellationToken cancellationToken = default);

    /// <summary>Sets a stream's limits (replacing earlier ones); reads skip events beyond them, read-all still returns them.</summary>
    ValueTask<AppendResult> SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>The stream's limits, <see cref="StreamMetadata.None"/> if none were set.</summary>
    ValueTask<StreamMetadata> ReadStreamMetadataAsync(StreamName stream, CancellationToken cancellationToken = default);
}

/// <summary>Limits on what reading a stream returns: only its last <see cref="MaxCount"/> events, none older than <see cref="MaxAge"/>.</summary>
/// <param name="MaxCount">Reads return at most this many of the newest events; null for no limit.</param>
/// <param name="MaxAge">Reads skip events whose metadata time is older than this; null for no limit.</param>
public sealed record StreamMetadata(int? MaxCount = null, TimeSpan? MaxAge = null)
{
    /// <summary>No limits.</summary>
    public static StreamMetadata None { get; } = new();
}

/// <summary>The stream was tombstoned: it can never be written again.</summary>
public sealed class StreamDeletedException : Exception
{
    /// <summary>Creates the exception for the given stream.</summary>
    public StreamDeletedException(StreamName stream)
        : base($"Stream '{stream}' was tombstoned (deleted for ever); it can never be written again.") =>
        Stream = stream;

    /// <summary>The tombstoned stream.</summary>
    public StreamName Stream { get; }
}

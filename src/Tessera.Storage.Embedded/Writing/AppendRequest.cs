using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Writing;

/// <summary>
/// One caller's append on its way to the writer. The caller's thread encodes the records, so the single writer only
/// stamps positions and checksums. After the group's flush the writer hands the request to a thread pool thread that
/// completes it; continuations run synchronously there (never on the writer thread, which only decides the outcome).
/// </summary>
internal sealed class AppendRequest : TaskCompletionSource<AppendResult>
{
    public AppendRequest(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
        : base(TaskCreationOptions.None)
    {
        Stream = stream;
        Expected = expected;
        CancellationToken = cancellationToken;
        Prepare([.. events]);
    }

    /// <summary>A delete, tombstone or metadata change of <paramref name="target"/>: the writer makes its "$metadata" event.</summary>
    public AppendRequest(StreamName target, ExpectedVersion expected, StreamOperation operation, StreamMetadata? metadata, CancellationToken cancellationToken)
        : base(TaskCreationOptions.None)
    {
        Stream = StreamState.MetadataStreamOf(target);
        Target = target;
        Expected = expected;
        Operation = operation;
        Metadata = metadata;
        CancellationToken = cancellationToken;
    }

    /// <summary>The stream a lifecycle operation changes; null for an ordinary append.</summary>
    public StreamName? Target { get; }

    public StreamOperation? Operation { get; }

    public StreamMetadata? Metadata { get; }

    /// <summary>The target's state once this lifecycle operation is written.</summary>
    public StreamState? NextState { get; set; }

    public StreamName Stream { get; }

    public ExpectedVersion Expected { get; }

    public EventData[] Events { get; private set; } = [];

    /// <summary>The append's records, back to back, waiting for positions, versions and checksums.</summary>
    public byte[] Encoded { get; private set; } = [];

    /// <summary>Where each event's record starts in <see cref="Encoded"/>.</summary>
    public int[] Offsets { get; private set; } = [];

    public CancellationToken CancellationToken { get; }

    /// <summary>The outcome decided by the writer, handed to the caller once the group is durable.</summary>
    public AppendResult Result { get; set; }

    public Exception? Error { get; set; }

    public bool Canceled { get; set; }

    /// <summary>True once the writer handed the request to be completed: its outcome is final.</summary>
    public bool Handed { get; set; }

    public long FirstPosition { get; set; }

    public long FirstVersion { get; set; }

    /// <summary>Where this append's records start in the chunk body.</summary>
    public int BodyOffset { get; set; }

    /// <summary>Encodes the events to write (on the caller's thread for appends, by the writer for lifecycle events).</summary>
    public void Prepare(EventData[] events)
    {
        Events = events;
        Encoded = RecordCodec.Encode(Stream, events, out var offsets);
        Offsets = offsets;
    }

    /// <summary>Decides that the append fails with <paramref name="error"/>, whatever was decided before.</summary>
    public void Reject(Exception error)
    {
        Canceled = false;
        Error = error;
    }

    public void Complete()
    {
        if (Canceled)
        {
            TrySetCanceled(CancellationToken);
        }
        else if (Error is not null)
        {
            TrySetException(Error);
        }
        else
        {
            TrySetResult(Result);
        }
    }
}

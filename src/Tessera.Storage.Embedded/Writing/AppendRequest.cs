using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Writing;

/// <summary>
/// One caller's append on its way to the writer. The caller's thread encodes the records, so the single writer only
/// stamps positions and checksums; the writer completes the task after the group's flush.
/// </summary>
internal sealed class AppendRequest : TaskCompletionSource<AppendResult>
{
    public AppendRequest(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Stream = stream;
        Expected = expected;
        Events = [.. events];
        Encoded = RecordCodec.Encode(stream, Events, out var offsets);
        Offsets = offsets;
        CancellationToken = cancellationToken;
    }

    public StreamName Stream { get; }

    public ExpectedVersion Expected { get; }

    public EventData[] Events { get; }

    /// <summary>The append's records, back to back, waiting for positions, versions and checksums.</summary>
    public byte[] Encoded { get; }

    /// <summary>Where each event's record starts in <see cref="Encoded"/>.</summary>
    public int[] Offsets { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>The outcome decided by the writer, handed to the caller once the group is durable.</summary>
    public AppendResult Result { get; set; }

    public Exception? Error { get; set; }

    public bool Canceled { get; set; }

    public long FirstPosition { get; set; }

    public long FirstVersion { get; set; }

    /// <summary>Where this append's records start in the chunk body.</summary>
    public int BodyOffset { get; set; }

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

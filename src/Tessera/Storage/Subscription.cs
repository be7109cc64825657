using System.Runtime.CompilerServices;

namespace Tessera.Storage;

/// <summary>The catch-up-then-live loop every store can share: page through the log, then wait for the next append.</summary>
internal static class Subscription
{
    public static async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> CatchUpThenLiveAsync(
        IEventReader reader,
        AppendSignal signal,
        GlobalPosition after,
        int maxBatch,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StoreArguments.CheckReadAll(after, maxBatch);
        var position = after;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Take the signal before reading: an append that lands after the read completes this task.
            var appended = signal.Next;
            var slice = await reader.ReadAllAsync(position, maxBatch, cancellationToken);
            if (slice.Events.Count > 0)
            {
                position = slice.Next;
                yield return slice.Events;
                continue;
            }
            await appended.WaitAsync(cancellationToken);
        }
    }
}

using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>
/// Where the projections of this process read events from: the process's own event store by default, or a copy of the
/// log held elsewhere (a NATS JetStream stream on a read instance that has no event store).
/// </summary>
public interface IProjectionEventSource
{
    /// <summary>The position of the last event the source holds, <see cref="GlobalPosition.Start"/> when it holds none.</summary>
    ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="maxCount"/> events of the log whose position is after <paramref name="after"/>, in global order.</summary>
    ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Yields batches of events after <paramref name="after"/>: first what the source holds, then each new event, with no gap and no duplicate.</summary>
    IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default);
}

/// <summary>The default event source: the process's own event store.</summary>
internal sealed class StoreEventSource(IEventReader store) : IProjectionEventSource
{
    public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default) => store.ReadHeadAsync(cancellationToken);

    public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) =>
        store.ReadAllAsync(after, maxCount, cancellationToken);

    public IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default) =>
        store.SubscribeAsync(after, maxBatch, cancellationToken);
}

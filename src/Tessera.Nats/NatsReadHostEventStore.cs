using NATS.Client.Core;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// What a read host fed by NATS offers in place of an event store: the head and the log come from the JetStream stream;
/// stream reads, event look-ups and appends (commands) need the write side's store and answer
/// <see cref="EventStoreUnavailableException"/> with the reason, which the hosts turn into a 503.
/// </summary>
internal sealed class NatsReadHostEventStore(NatsEventSource source) : IEventStore
{
    internal const string NoStore =
        "This host reads its events from NATS (Tessera:ReadSource=Nats) and has no event store: send commands and stream look-ups to a write host.";

    public async ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await source.ReadHeadAsync(cancellationToken);
        }
        catch (NatsException error)
        {
            throw new EventStoreUnavailableException($"NATS does not answer: {error.Message}", error);
        }
    }

    public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) =>
        source.ReadAllAsync(after, maxCount, cancellationToken);

    public IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default) =>
        source.SubscribeAsync(after, maxBatch, cancellationToken);

    public ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default) =>
        throw new EventStoreUnavailableException(NoStore);

    public ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default) =>
        throw new EventStoreUnavailableException(NoStore);

    public ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
        throw new EventStoreUnavailableException(NoStore);
}

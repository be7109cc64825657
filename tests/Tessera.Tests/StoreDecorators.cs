using Tessera.Messages;
using Tessera.Storage;

namespace Tessera.Tests;

/// <summary>Passes everything to an inner store; tests override the calls they watch or disturb.</summary>
public class ForwardingStore(IEventStore inner) : IEventStore
{
    protected IEventStore Inner { get; } = inner;

    public virtual ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
        Inner.AppendAsync(stream, expected, events, cancellationToken);

    public virtual ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default) =>
        Inner.ReadStreamAsync(stream, from, direction, maxCount, cancellationToken);

    public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) =>
        Inner.ReadAllAsync(after, maxCount, cancellationToken);

    public virtual ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default) =>
        Inner.ReadEventAsync(eventId, cancellationToken);

    public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default) => Inner.ReadHeadAsync(cancellationToken);

    public IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default) =>
        Inner.SubscribeAsync(after, maxBatch, cancellationToken);
}

/// <summary>Before each of the first <c>times</c> appends to a stream, someone else appends a deposit to it first.</summary>
public sealed class InterferingStore(IEventStore inner, int times) : ForwardingStore(inner)
{
    private int _left = times;

    public int Appends { get; private set; }

    public override async ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        Appends++;
        if (_left-- > 0)
        {
            var data = System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{stream.Value["account-".Length..]}}","amount":1}""");
            await Inner.AppendAsync(stream, ExpectedVersion.Any, [new EventData(Guid.NewGuid(), "test.deposited.v1", data, new EventMetadata())], cancellationToken);
        }
        return await Inner.AppendAsync(stream, expected, events, cancellationToken);
    }
}

/// <summary>Counts the events read from aggregate streams (not snapshot streams).</summary>
public sealed class CountingStore(IEventStore inner) : ForwardingStore(inner)
{
    public int EventsRead { get; set; }

    public override async ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        var slice = await Inner.ReadStreamAsync(stream, from, direction, maxCount, cancellationToken);
        if (!stream.Value.StartsWith('$'))
        {
            EventsRead += slice.Events.Count;
        }
        return slice;
    }
}

namespace Tessera.Storage;

/// <summary>An event store held in memory, for unit tests of the core; it loses everything when the process ends.</summary>
public sealed class InMemoryEventStore : IEventStore, IStreamCatalog
{
    private readonly Lock _lock = new();
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, RecordedEvent> _byId = [];
    private readonly AppendSignal _appended = new();

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(stream, events);
        cancellationToken.ThrowIfCancellationRequested();
        AppendResult result;
        lock (_lock)
        {
            var duplicate = DuplicateCheck.Check(stream, events, id => _byId.GetValueOrDefault(id));
            if (duplicate is { } stored)
            {
                return ValueTask.FromResult(stored);
            }
            _streams.TryGetValue(stream.Value, out var list);
            var actual = new StreamVersion((list?.Count ?? 0) - 1);
            if (!expected.IsMetBy(actual))
            {
                return ValueTask.FromResult(AppendResult.WrongExpectedVersion(actual));
            }
            if (list is null)
            {
                list = [];
                _streams.Add(stream.Value, list);
            }
            RecordedEvent recorded = null!;
            foreach (var e in events)
            {
                recorded = new RecordedEvent(e.EventId, stream, new StreamVersion(list.Count), new GlobalPosition(_all.Count + 1), e.Type, e.Data.ToArray(), e.Metadata);
                list.Add(recorded);
                _all.Add(recorded);
                _byId.Add(e.EventId, recorded);
            }
            result = AppendResult.Written(recorded.Position, recorded.Version);
        }
        _appended.Notify();
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckRead(stream, from, maxCount);
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream.Value, out var list))
            {
                return ValueTask.FromResult(new StreamSlice([], StreamVersion.None, true));
            }
            var last = new StreamVersion(list.Count - 1);
            RecordedEvent[] page;
            bool isEnd;
            if (direction == ReadDirection.Forwards)
            {
                var start = (int)Math.Min(from.Value, list.Count);
                var count = Math.Min(maxCount, list.Count - start);
                page = list.GetRange(start, count).ToArray();
                isEnd = start + count >= list.Count;
            }
            else
            {
                var start = (int)Math.Min(from.Value, list.Count - 1);
                var count = Math.Min(maxCount, start + 1);
                page = new RecordedEvent[count];
                for (var i = 0; i < count; i++)
                {
                    page[i] = list[start - i];
                }
                isEnd = start - count < 0;
            }
            return ValueTask.FromResult(new StreamSlice(page, last, isEnd));
        }
    }

    /// <inheritdoc />
    public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadAll(after, maxCount);
        lock (_lock)
        {
            // Positions here are dense: the event at position p sits at index p - 1.
            var start = (int)Math.Min(after.Value, _all.Count);
            var count = Math.Min(maxCount, _all.Count - start);
            var page = _all.GetRange(start, count).ToArray();
            var next = count == 0 ? after : page[^1].Position;
            return ValueTask.FromResult(new AllSlice(page, next, start + count >= _all.Count));
        }
    }

    /// <inheritdoc />
    public ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(eventId));
        }
    }

    /// <inheritdoc />
    public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(new GlobalPosition(_all.Count));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default) =>
        Subscription.CatchUpThenLiveAsync(this, _appended, after, maxBatch, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StreamCatalogPage> ListStreamsAsync(string? category, string? nameContains, int skip, int maxCount, CancellationToken cancellationToken = default)
    {
        StreamCatalogQuery.Check(skip, maxCount);
        var matching = new List<StreamInfo>();
        lock (_lock)
        {
            foreach (var (name, events) in _streams)
            {
                if (StreamCatalogQuery.Matches(name, category, nameContains))
                {
                    matching.Add(new StreamInfo(events[^1].Stream, events[^1].Version, events[^1].Position));
                }
            }
        }
        return ValueTask.FromResult(StreamCatalogQuery.Page(matching, skip, maxCount));
    }
}

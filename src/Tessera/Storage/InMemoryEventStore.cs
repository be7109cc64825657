namespace Tessera.Storage;

/// <summary>An event store held in memory, for unit tests of the core; it loses everything when the process ends.</summary>
public sealed class InMemoryEventStore : IEventStore, IStreamLifecycle, IStreamCatalog
{
    private readonly Lock _lock = new();
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, RecordedEvent> _byId = [];
    private readonly Dictionary<string, StreamState> _states = new(StringComparer.Ordinal);
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
            var state = StateOf(stream);
            if (state.Tombstoned)
            {
                throw new StreamDeletedException(stream);
            }
            var actual = new StreamVersion(state.EffectiveVersion(LastVersion(stream)));
            if (!expected.IsMetBy(actual))
            {
                return ValueTask.FromResult(AppendResult.WrongExpectedVersion(actual));
            }
            result = Write(stream, events);
        }
        _appended.Notify();
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> DeleteStreamAsync(StreamName stream, ExpectedVersion expected, CancellationToken cancellationToken = default) =>
        ChangeAsync(stream, expected, StreamOperation.Delete, null);

    /// <inheritdoc />
    public ValueTask<AppendResult> TombstoneStreamAsync(StreamName stream, ExpectedVersion expected, CancellationToken cancellationToken = default) =>
        ChangeAsync(stream, expected, StreamOperation.Tombstone, null);

    /// <inheritdoc />
    public ValueTask<AppendResult> SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return ChangeAsync(stream, ExpectedVersion.Any, StreamOperation.SetMetadata, metadata);
    }

    /// <inheritdoc />
    public ValueTask<StreamMetadata> ReadStreamMetadataAsync(StreamName stream, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckStream(stream);
        lock (_lock)
        {
            return ValueTask.FromResult(StateOf(stream).Metadata);
        }
    }

    /// <inheritdoc />
    public ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckRead(stream, from, maxCount);
        lock (_lock)
        {
            _streams.TryGetValue(stream.Value, out var list);
            var state = StateOf(stream);
            var window = StreamWindow.Of(list?.Count ?? 0, state, from, direction, maxCount);
            if (!window.Found)
            {
                return ValueTask.FromResult(new StreamSlice([], StreamVersion.None, true));
            }
            var page = list!.GetRange((int)window.Start, window.Count).ToArray();
            if (direction == ReadDirection.Backwards)
            {
                Array.Reverse(page);
            }
            return ValueTask.FromResult(new StreamSlice(StreamWindow.WithoutTooOld(page, state), new StreamVersion(list.Count - 1), window.IsEnd));
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

    private ValueTask<AppendResult> ChangeAsync(StreamName stream, ExpectedVersion expected, StreamOperation operation, StreamMetadata? metadata)
    {
        StoreArguments.CheckLifecycle(stream, metadata);
        AppendResult result;
        lock (_lock)
        {
            var state = StateOf(stream);
            if (state.Tombstoned)
            {
                throw new StreamDeletedException(stream);
            }
            var last = LastVersion(stream);
            var actual = new StreamVersion(state.EffectiveVersion(last));
            if (!expected.IsMetBy(actual))
            {
                return ValueTask.FromResult(AppendResult.WrongExpectedVersion(actual));
            }
            var next = state.After(operation, last, metadata);
            var marker = new EventData(Guid.NewGuid(), StreamState.EventType, next.Encode(), new Messages.EventMetadata { Time = DateTimeOffset.UtcNow });
            var written = Write(StreamState.MetadataStreamOf(stream), [marker]);
            _states[stream.Value] = next;
            result = AppendResult.Written(written.Position, new StreamVersion(last));
        }
        _appended.Notify();
        return ValueTask.FromResult(result);
    }

    private AppendResult Write(StreamName stream, IReadOnlyList<EventData> events)
    {
        if (!_streams.TryGetValue(stream.Value, out var list))
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
        return AppendResult.Written(recorded.Position, recorded.Version);
    }

    private long LastVersion(StreamName stream) => _streams.TryGetValue(stream.Value, out var list) ? list.Count - 1 : -1;

    private StreamState StateOf(StreamName stream) => _states.GetValueOrDefault(stream.Value) ?? StreamState.Default;
    /// <inheritdoc />
    public ValueTask<StreamCatalogPage> ListStreamsAsync(string? category, string? nameContains, int skip, int maxCount, CancellationToken cancellationToken = default)
    {
        StreamCatalogQuery.Check(skip, maxCount);
        var matching = new List<StreamInfo>();
        lock (_lock)
        {
            foreach (var (name, events) in _streams)
            {
                // Deleted streams read as not found, and "$$" streams hold their metadata: neither is listed.
                if (StreamCatalogQuery.Matches(name, category, nameContains)
                    && !StreamState.IsMetadataStream(name)
                    && !(_states.GetValueOrDefault(name) ?? StreamState.Default).Hides(events.Count))
                {
                    matching.Add(new StreamInfo(events[^1].Stream, events[^1].Version, events[^1].Position));
                }
            }
        }
        return ValueTask.FromResult(StreamCatalogQuery.Page(matching, skip, maxCount));
    }
}

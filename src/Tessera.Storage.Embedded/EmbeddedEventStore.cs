using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Storage.Embedded.Index;
using Tessera.Storage.Embedded.Reading;
using Tessera.Storage.Embedded.Recovery;
using Tessera.Storage.Embedded.Segments;
using Tessera.Storage.Embedded.Writing;

namespace Tessera.Storage.Embedded;

/// <summary>
/// The default event store: append-only segment files in one folder, one writer that commits appends in groups with
/// one flush to disk per group, and readers that never wait for it and never see an event before it is durable.
/// </summary>
public sealed class EmbeddedEventStore : IEventStore, IStreamLifecycle, IStreamCatalog, IDisposable, IAsyncDisposable
{
    private readonly IStorageFolder _folder;
    private readonly IDisposable? _lock;
    private readonly StoreIndex _index;
    private readonly SegmentSet _segments;
    private readonly LogReader _reader;
    private readonly GroupCommitWriter? _writer;
    private readonly FollowerLoop? _follower;
    private readonly AppendSignal _appended = new();
    private int _disposed;

    /// <summary>Opens the store in <see cref="EmbeddedStoreOptions.DataFolder"/>, creating it or recovering it after a crash, or follows it read-only.</summary>
    public EmbeddedEventStore(EmbeddedStoreOptions options, ILogger<EmbeddedEventStore>? logger = null)
        : this(Checked(options), new PhysicalStorageFolder(options.DataFolder, options.FlushMode == EmbeddedFlushMode.Durable), logger)
    {
    }

    internal EmbeddedEventStore(EmbeddedStoreOptions options, IStorageFolder folder, ILogger? logger)
    {
        options.Validate();
        logger ??= NullLogger.Instance;
        _folder = folder;
        if (options.ReadOnlyFollower)
        {
            _index = new StoreIndex();
            _segments = new SegmentSet();
            _reader = new LogReader(_index, _segments, folder.Path);
            var follower = new LogFollower(folder, _index, _segments, _reader);
            try
            {
                _follower = new FollowerLoop(follower, folder.Path, options.FollowerPollInterval, _appended, logger);
            }
            catch
            {
                follower.Dispose();
                _segments.Dispose();
                throw;
            }
            return;
        }
        _lock = folder.Lock();
        try
        {
            var flush = options.FlushMode == EmbeddedFlushMode.Durable;
            var loaded = new StoreLoader(folder, options.SegmentSize, flush, logger).Load();
            _index = loaded.Index;
            _segments = loaded.Segments;
            _reader = new LogReader(_index, _segments, folder.Path);
            LoadStates();
            _writer = new GroupCommitWriter(folder, loaded.StoreId, options.SegmentSize, flush, _index, _segments, _reader, _appended, logger, loaded.Start);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>The folder the store keeps its files in.</summary>
    public string DataFolder => _folder.Path;

    /// <summary>Healthy; read-only after a failed write or flush to disk; or, for a follower, stalled after a failure to follow.</summary>
    public EmbeddedStoreHealth Health => Failure is null
        ? EmbeddedStoreHealth.Healthy
        : _writer is null ? EmbeddedStoreHealth.Stalled : EmbeddedStoreHealth.ReadOnly;

    /// <summary>The failure that made the store read-only (or the follower stall), or null while it is healthy.</summary>
    public Exception? Failure => _writer?.Failure ?? _follower?.Failure;

    /// <summary>True when the store was opened as a read-only follower of another process's writes.</summary>
    public bool IsFollower => _writer is null;

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(stream, events);
        ThrowIfWritable();
        cancellationToken.ThrowIfCancellationRequested();
        var request = new AppendRequest(stream, expected, events, cancellationToken);
        _writer!.Enqueue(request);
        return new ValueTask<AppendResult>(request.Task);
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> DeleteStreamAsync(StreamName stream, ExpectedVersion expected, CancellationToken cancellationToken = default) =>
        ChangeAsync(stream, expected, StreamOperation.Delete, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<AppendResult> TombstoneStreamAsync(StreamName stream, ExpectedVersion expected, CancellationToken cancellationToken = default) =>
        ChangeAsync(stream, expected, StreamOperation.Tombstone, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<AppendResult> SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return ChangeAsync(stream, ExpectedVersion.Any, StreamOperation.SetMetadata, metadata, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StreamMetadata> ReadStreamMetadataAsync(StreamName stream, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckStream(stream);
        ThrowIfDisposed();
        return ValueTask.FromResult(_index.StateOf(stream.Value).Metadata);
    }

    /// <inheritdoc />
    public ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckRead(stream, from, maxCount);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var head = _index.Head;
        if (!_index.Streams.TryGetValue(stream.Value, out var streamIndex))
        {
            return ValueTask.FromResult(new StreamSlice([], StreamVersion.None, true));
        }
        var count = streamIndex.Snapshot(out var positions);
        while (count > 0 && positions[count - 1] > head.Position)
        {
            count--; // published to the stream a moment before the head: not visible yet
        }
        var state = _index.StateOf(stream.Value);
        var window = StreamWindow.Of(count, state, from, direction, maxCount);
        if (!window.Found)
        {
            return ValueTask.FromResult(new StreamSlice([], StreamVersion.None, true));
        }
        var events = _reader.Read(Positions.Slice(positions, (int)window.Start, window.Count), stream, head);
        if (direction == ReadDirection.Backwards)
        {
            Array.Reverse(events);
        }
        return ValueTask.FromResult(new StreamSlice(StreamWindow.WithoutTooOld(events, state), new StreamVersion(count - 1), window.IsEnd));
    }

    /// <inheritdoc />
    public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadAll(after, maxCount);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var head = _index.Head;
        if (after.Value >= head.Position)
        {
            return ValueTask.FromResult(new AllSlice([], after, true));
        }
        var taken = (int)Math.Min(maxCount, head.Position - after.Value);
        var events = _reader.Read(Positions.Run(after.Value + 1, taken), null, head);
        return ValueTask.FromResult(new AllSlice(events, events[^1].Position, after.Value + taken >= head.Position));
    }

    /// <inheritdoc />
    public ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var head = _index.Head;
        if (!_index.EventIds.TryGetValue(eventId, out var position) || position > head.Position)
        {
            return ValueTask.FromResult<RecordedEvent?>(null);
        }
        return ValueTask.FromResult<RecordedEvent?>(_reader.Read(Positions.Run(position, 1), null, head)[0]);
    }

    /// <inheritdoc />
    public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return ValueTask.FromResult(new GlobalPosition(_index.Head.Position));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default) =>
        Subscription.CatchUpThenLiveAsync(this, _appended, after, maxBatch, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StreamCatalogPage> ListStreamsAsync(string? category, string? nameContains, int skip, int maxCount, CancellationToken cancellationToken = default)
    {
        StreamCatalogQuery.Check(skip, maxCount);
        ThrowIfDisposed();
        var head = _index.Head;
        var matching = new List<StreamInfo>();
        foreach (var (name, streamIndex) in _index.Streams)
        {
            // Deleted streams read as not found, and "$$" streams hold their metadata: neither is listed.
            if (!StreamCatalogQuery.Matches(name, category, nameContains) || StreamState.IsMetadataStream(name))
            {
                continue;
            }
            var count = streamIndex.Snapshot(out var positions);
            while (count > 0 && positions[count - 1] > head.Position)
            {
                count--; // not durable yet: readers do not see it
            }
            if (count > 0 && !_index.StateOf(name).Hides(count))
            {
                matching.Add(new StreamInfo(streamIndex.Name, new StreamVersion(count - 1), new GlobalPosition(positions[count - 1])));
            }
        }
        return ValueTask.FromResult(StreamCatalogQuery.Page(matching, skip, maxCount));
    }

    /// <summary>Finishes the appends already queued, then closes the files and releases the folder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _writer?.Dispose();
        _follower?.Dispose();
        _segments.Dispose();
        _lock?.Dispose();
        // Wakes live subscribers, whose next read then reports that the store is closed.
        _appended.Notify();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private ValueTask<AppendResult> ChangeAsync(StreamName stream, ExpectedVersion expected, StreamOperation operation, StreamMetadata? metadata, CancellationToken cancellationToken)
    {
        StoreArguments.CheckLifecycle(stream, metadata);
        ThrowIfWritable();
        cancellationToken.ThrowIfCancellationRequested();
        var request = new AppendRequest(stream, expected, operation, metadata, cancellationToken);
        _writer!.Enqueue(request);
        return new ValueTask<AppendResult>(request.Task);
    }

    /// <summary>Reads the latest "$metadata" event of every stream that has one.</summary>
    private void LoadStates()
    {
        var head = _index.Head;
        foreach (var (name, streamIndex) in _index.Streams)
        {
            if (!StreamState.IsMetadataStream(name))
            {
                continue;
            }
            var count = streamIndex.Snapshot(out var positions);
            var last = _reader.Read(Positions.Run(positions[count - 1], 1), null, head)[0];
            _index.States[StreamState.TargetOf(name).Value] = StreamState.Decode(last.Data.Span);
        }
    }

    private void ThrowIfWritable()
    {
        ThrowIfDisposed();
        if (_writer is null)
        {
            throw new EventStoreUnavailableException(
                $"The embedded event store in {DataFolder} is open as a read-only follower: appends and stream changes go to the process that writes the folder.");
        }
        if (_writer.Failure is { } failure)
        {
            throw new EventStoreUnavailableException(
                $"The embedded event store in {DataFolder} is read-only after a failed write or flush to disk; reopen it to recover.", failure);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private static EmbeddedStoreOptions Checked(EmbeddedStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}

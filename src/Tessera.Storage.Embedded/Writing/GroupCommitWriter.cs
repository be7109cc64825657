using Microsoft.Extensions.Logging;
using Tessera.Messages;
using Tessera.Storage.Embedded.Index;
using Tessera.Storage.Embedded.Reading;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Writing;

/// <summary>Where the writer starts: the segment it appends to and what that segment already holds.</summary>
internal sealed record WriterStart(Segment Active, long WriteOffset, long FirstPosition, List<SegmentEntry> Entries, Segment? Spare);

/// <summary>
/// The single writer. Callers queue appends; this thread takes everything queued, checks expected versions and event
/// ids in order (earlier appends of the same group included), writes the group as one chunk with one write and one
/// flush, and only then publishes the events to readers and completes the callers. Throughput grows with the number of
/// waiting callers because they share the flush.
/// </summary>
internal sealed class GroupCommitWriter : IDisposable
{
    private const int MaxGroupBytes = 8 << 20;

    /// <summary>At least this many callers share one completion work item (see <see cref="Hand"/>).</summary>
    private const int CallersPerCompletion = 64;

    // A monitor rather than a semaphore: the writer blocks without spinning, which on a small machine takes CPU time
    // from the callers and from the writer's own next group.
    private readonly object _gate = new();
    private readonly IStorageFolder _folder;
    private readonly ulong _storeId;
    private readonly long _segmentSize;
    private readonly bool _flush;
    private readonly StoreIndex _index;
    private readonly SegmentSet _segments;
    private readonly LogReader _reader;
    private readonly AppendSignal _signal;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly List<AppendRequest> _batch = [];
    private readonly List<AppendRequest> _carry = [];
    private readonly List<AppendRequest> _written = [];
    private readonly Dictionary<string, long> _pendingVersions = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, (AppendRequest Request, int Index)> _pendingIds = [];
    private readonly Dictionary<string, StreamState> _pendingStates = new(StringComparer.Ordinal);
    private readonly Func<Guid, RecordedEvent?> _find;
    private readonly List<Task> _background = [];
    private readonly IStorageFile _headFile;
    private List<AppendRequest> _incoming = [];
    private List<AppendRequest> _spareList = [];
    private bool _stopping;
    private Exception? _failure;
    private byte[] _buffer = new byte[64 * 1024];
    private Segment _active;
    private long _writeOffset;
    private long _activeFirst;
    private List<SegmentEntry> _entries;
    private Task<Segment>? _spare;

    public GroupCommitWriter(
        IStorageFolder folder, ulong storeId, long segmentSize, bool flush, StoreIndex index, SegmentSet segments,
        LogReader reader, AppendSignal signal, ILogger logger, WriterStart start)
    {
        _folder = folder;
        _storeId = storeId;
        _segmentSize = segmentSize;
        _flush = flush;
        _index = index;
        _segments = segments;
        _reader = reader;
        _signal = signal;
        _logger = logger;
        _active = start.Active;
        _writeOffset = start.WriteOffset;
        _activeFirst = start.FirstPosition;
        _entries = start.Entries;
        if (start.Spare is { } spare)
        {
            _spare = Task.FromResult(spare);
        }
        _find = Find;
        // Followers in other processes read the durable head from here; publish what recovery found before any append.
        _headFile = folder.Open(HeadFile.FileName);
        try
        {
            HeadFile.Write(_headFile, new PublishedHead(storeId, index.Head.Position, index.Head.End));
        }
        catch
        {
            _headFile.Dispose();
            throw;
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "tessera-embedded-writer" };
        _thread.Start();
    }

    /// <summary>Why the store is read-only, or null while it is healthy.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public void Enqueue(AppendRequest request)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _incoming.Add(request);
            if (_incoming.Count == 1)
            {
                Monitor.Pulse(_gate); // the writer waits only while nothing is queued
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
        if (_spare is { } spare)
        {
            try
            {
                spare.GetAwaiter().GetResult().Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.SpareSegmentFailed(e);
            }
        }
        Task.WaitAll([.. _background]);
        _headFile.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_incoming.Count == 0 && _carry.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }
                (_incoming, _spareList) = (_spareList, _incoming);
                if (_spareList.Count == 0 && _carry.Count == 0 && _stopping)
                {
                    return;
                }
            }
            _batch.Clear();
            _batch.AddRange(_carry);
            _carry.Clear();
            _batch.AddRange(_spareList);
            _spareList.Clear();
            if (_batch.Count == 0)
            {
                continue;
            }
            try
            {
                Commit(_batch);
            }
            catch (Exception e)
            {
                // A bug, not an I/O error (those are handled in Commit): stop writing rather than guess what is durable.
                Fail(e);
                var error = Unavailable(e);
                // Requests already handed to a completer keep their outcome: their group is durable.
                _batch.RemoveAll(static request => request.Handed);
                foreach (var request in _batch)
                {
                    request.Reject(error);
                }
                Hand(_batch, _batch.Count);
                _carry.Clear();
            }
        }
    }

    private void Commit(List<AppendRequest> batch)
    {
        if (Failure is { } failure)
        {
            var error = Unavailable(failure);
            foreach (var request in batch)
            {
                request.Reject(error);
            }
            Hand(batch, batch.Count);
            return;
        }
        _pendingVersions.Clear();
        _pendingIds.Clear();
        _pendingStates.Clear();
        _written.Clear();
        var chunkOffset = _writeOffset;
        var firstPosition = _index.Addresses.Count + 1;
        var body = 0;
        var events = 0;
        var taken = batch.Count;
        IOException? rollFailure = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            if (request.CancellationToken.IsCancellationRequested)
            {
                request.Canceled = true;
                continue;
            }
            try
            {
                if (request.Operation is null && DuplicateCheck.Check(request.Stream, request.Events, _find) is { } stored)
                {
                    request.Result = stored;
                    continue;
                }
            }
            catch (DuplicateEventException e)
            {
                request.Error = e;
                continue;
            }
            var target = request.Target ?? request.Stream;
            var state = StateOf(target.Value);
            if (state.Tombstoned)
            {
                request.Error = new StreamDeletedException(target);
                continue;
            }
            var targetVersion = CurrentVersion(target);
            var effective = new StreamVersion(state.EffectiveVersion(targetVersion));
            if (!request.Expected.IsMetBy(effective))
            {
                request.Result = AppendResult.WrongExpectedVersion(effective);
                continue;
            }
            if (request.Operation is { } operation)
            {
                request.NextState = state.After(operation, targetVersion, request.Metadata);
                var marker = new EventData(Guid.NewGuid(), StreamState.EventType, request.NextState.Encode(), new EventMetadata { Time = DateTimeOffset.UtcNow });
                request.Prepare([marker]);
            }
            var current = CurrentVersion(request.Stream);
            var size = request.Encoded.Length;
            if (events > 0 && (!Fits(chunkOffset, body + size) || body + size > MaxGroupBytes))
            {
                taken = i; // the rest goes into the next group, in order
                break;
            }
            if (events == 0 && !Fits(chunkOffset, size))
            {
                if (rollFailure is null)
                {
                    try
                    {
                        Roll(size);
                        chunkOffset = _writeOffset;
                    }
                    catch (IOException e)
                    {
                        rollFailure = e;
                    }
                }
                if (rollFailure is not null)
                {
                    request.Error = new IOException(
                        $"The append was not written: the embedded store could not make room for it in {_folder.Path} ({rollFailure.Message}). "
                        + "Earlier events are safe and the store stays open.", rollFailure);
                    continue;
                }
            }
            Stage(request, firstPosition + events, current, body);
            if (request.NextState is { } next)
            {
                _pendingStates[target.Value] = next;
                request.Result = AppendResult.Written(request.Result.Position, new StreamVersion(targetVersion));
            }
            body += size;
            events += request.Events.Length;
        }
        for (var i = taken; i < batch.Count; i++)
        {
            _carry.Add(batch[i]);
        }
        if (events > 0)
        {
            var padded = (int)SegmentFormat.Align(body);
            _buffer.AsSpan(SegmentFormat.ChunkHeaderSize + body, padded - body).Clear();
            var header = new ChunkHeader(firstPosition, events, padded);
            header.Write(_buffer, _storeId);
            try
            {
                _active.File.Write(chunkOffset, _buffer.AsSpan(0, SegmentFormat.ChunkHeaderSize + padded));
                if (_flush)
                {
                    _active.File.Flush();
                }
                // Only now, with the group durable, may followers in other processes read it.
                var end = SegmentFormat.Address(_active.Number, header.End(chunkOffset));
                HeadFile.Write(_headFile, new PublishedHead(_storeId, header.FirstPosition + header.Count - 1, end));
            }
            catch (Exception e)
            {
                // After a failed write or flush the kernel may have dropped the pages: nothing written since the last
                // good flush can be trusted, so the store stops taking appends until it is reopened and rescanned.
                Fail(e);
                var error = Unavailable(e);
                for (var i = 0; i < taken; i++)
                {
                    batch[i].Reject(error);
                }
                Hand(batch, taken);
                return;
            }
            Publish(chunkOffset, header);
        }
        Hand(batch, taken);
        if (events > 0)
        {
            _signal.Notify();
            if (_spare is null && _writeOffset > _active.Capacity / 2)
            {
                PrepareSpare();
            }
        }
    }

    /// <summary>
    /// Completes the first <paramref name="count"/> requests of a decided group off the writer thread. Their tasks run
    /// continuations synchronously, so callers resume on the completing thread pool thread: a few work items per group
    /// instead of one per caller, and the writer never runs a caller's code and is free to take the next group at once.
    /// </summary>
    private static void Hand(List<AppendRequest> batch, int count)
    {
        if (count == 0)
        {
            return;
        }
        var decided = batch.GetRange(0, count).ToArray();
        foreach (var request in decided)
        {
            request.Handed = true;
        }
        var items = Math.Clamp(count / CallersPerCompletion, 1, Environment.ProcessorCount);
        var per = (count + items - 1) / items;
        for (var start = 0; start < count; start += per)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static part =>
                {
                    foreach (var request in part)
                    {
                        request.Complete();
                    }
                },
                new ArraySegment<AppendRequest>(decided, start, Math.Min(per, count - start)),
                preferLocal: false);
        }
    }

    private void Stage(AppendRequest request, long position, long current, int body)
    {
        var size = request.Encoded.Length;
        var at = SegmentFormat.ChunkHeaderSize + body;
        if (_buffer.Length < at + size + 8)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, at + size + 8));
        }
        request.Encoded.CopyTo(_buffer, at);
        for (var k = 0; k < request.Events.Length; k++)
        {
            var start = at + request.Offsets[k];
            var end = k + 1 < request.Offsets.Length ? at + request.Offsets[k + 1] : at + size;
            RecordCodec.Seal(_buffer.AsSpan(start, end - start), position + k, current + 1 + k);
            _pendingIds[request.Events[k].EventId] = (request, k);
        }
        request.FirstPosition = position;
        request.FirstVersion = current + 1;
        request.BodyOffset = body;
        var last = current + request.Events.Length;
        request.Result = AppendResult.Written(new GlobalPosition(position + request.Events.Length - 1), new StreamVersion(last));
        _pendingVersions[request.Stream.Value] = last;
        _written.Add(request);
    }

    private void Publish(long chunkOffset, ChunkHeader header)
    {
        var bodyStart = chunkOffset + SegmentFormat.ChunkHeaderSize;
        foreach (var request in _written)
        {
            if (request.NextState is { } state)
            {
                _index.States[request.Target!.Value.Value] = state;
            }
            var stream = _index.StreamFor(request.Stream.Value);
            var name = stream.Name.Value;
            for (var k = 0; k < request.Events.Length; k++)
            {
                var offset = bodyStart + request.BodyOffset + request.Offsets[k];
                var eventId = request.Events[k].EventId;
                _index.Add(request.FirstPosition + k, SegmentFormat.Address(_active.Number, offset), stream, request.FirstVersion + k, eventId);
                _entries.Add(new SegmentEntry(offset, name, request.FirstVersion + k, eventId));
            }
        }
        _writeOffset = header.End(chunkOffset);
        _index.Publish(new Head(header.FirstPosition + header.Count - 1, SegmentFormat.Address(_active.Number, _writeOffset)));
    }

    private StreamState StateOf(string stream) =>
        _pendingStates.TryGetValue(stream, out var pending) ? pending : _index.StateOf(stream);

    private long CurrentVersion(StreamName stream)
    {
        if (_pendingVersions.TryGetValue(stream.Value, out var pending))
        {
            return pending;
        }
        return _index.Streams.TryGetValue(stream.Value, out var index) ? index.Count - 1 : -1;
    }

    private RecordedEvent? Find(Guid eventId)
    {
        if (_pendingIds.TryGetValue(eventId, out var pending))
        {
            var (request, k) = pending;
            var e = request.Events[k];
            return new RecordedEvent(
                eventId, request.Stream, new StreamVersion(request.FirstVersion + k), new GlobalPosition(request.FirstPosition + k), e.Type, e.Data, e.Metadata);
        }
        if (_index.EventIds.TryGetValue(eventId, out var position))
        {
            return _reader.Read(Positions.Run(position, 1), null, _index.Head)[0];
        }
        return null;
    }

    private bool Fits(long chunkOffset, int body) =>
        chunkOffset + SegmentFormat.ChunkHeaderSize + SegmentFormat.Align(body) <= _active.Capacity;

    /// <summary>Moves to the next segment, or grows an empty one, so that an append of <paramref name="size"/> bytes fits.</summary>
    private void Roll(int size)
    {
        var needed = SegmentFormat.HeaderSize + SegmentFormat.ChunkHeaderSize + SegmentFormat.Align(size);
        if (_writeOffset == SegmentFormat.HeaderSize)
        {
            _active.Grow(needed, _flush);
            return;
        }
        var next = TakeSpare();
        if (next.Capacity < needed)
        {
            next.Grow(needed, _flush);
        }
        // Every chunk of the active segment was flushed before this point: it is sealed and durable as it is.
        var sealedSegment = _active;
        sealedSegment.DataEnd = _writeOffset;
        var contents = new SegmentContents(_activeFirst, _writeOffset, _entries);
        _background.Add(Task.Run(() => WriteIndexCheckpoint(sealedSegment, contents)));
        _segments.Add(next);
        _active = next;
        _writeOffset = SegmentFormat.HeaderSize;
        _activeFirst = _index.Addresses.Count + 1;
        _entries = [];
    }

    private Segment TakeSpare()
    {
        var number = _active.Number + 1;
        if (_spare is { } task)
        {
            _spare = null;
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.SpareSegmentFailed(e);
            }
        }
        return Segment.Create(_folder, number, _storeId, _segmentSize, _flush);
    }

    private void PrepareSpare()
    {
        var number = _active.Number + 1;
        _spare = Task.Run(() => Segment.Create(_folder, number, _storeId, _segmentSize, _flush));
    }

    private void WriteIndexCheckpoint(Segment segment, SegmentContents contents)
    {
        try
        {
            SegmentIndexFile.Write(_folder, segment.Number, _storeId, contents, _flush);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.IndexCheckpointFailed(segment.Name, e);
        }
    }

    private void Fail(Exception e)
    {
        if (Interlocked.CompareExchange(ref _failure, e, null) is null)
        {
            _logger.StoreReadOnly(_folder.Path, e);
        }
    }

    private EventStoreUnavailableException Unavailable(Exception cause) =>
        new($"The embedded event store in {_folder.Path} is read-only: a write or flush to disk failed ({cause.Message}). "
            + "This append is not acknowledged; events acknowledged earlier are safe. Reopen the store to recover.", cause);
}

using System.Runtime.InteropServices;
using System.Threading.Channels;
using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>One append waiting for its group commit.</summary>
internal sealed class PendingAppend(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events)
{
    public StreamName Stream { get; } = stream;

    public ExpectedVersion Expected { get; } = expected;

    public IReadOnlyList<EventData> Events { get; } = events;

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Group commit on PostgreSQL: a few writer connections each take every append waiting in the queue (up to a limit of
/// events) and send them as one call of the append function, one round trip and one commit (one WAL flush) for all.
/// The function checks each append's expected version in order under the stream's row lock, so per-stream optimistic
/// concurrency stays exact inside a group and across groups committed in parallel by other writers or processes.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private const string UniqueViolation = "23505";
    private const string DeadlockDetected = "40P01";
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new() { SingleReader = false });
    private readonly NpgsqlDataSource _dataSource;
    private readonly Sql _sql;
    private readonly int _maxEvents;
    private readonly Action _committed;
    private readonly Task[] _writers;

    public GroupCommitter(NpgsqlDataSource dataSource, Sql sql, PostgresStoreOptions options, Action committed)
    {
        _dataSource = dataSource;
        _sql = sql;
        _maxEvents = options.MaxEventsPerCommit;
        _committed = committed;
        _writers = [.. Enumerable.Range(0, options.Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    public Task<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events)
    {
        var pending = new PendingAppend(stream, expected, events);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresEventStore), "The PostgreSQL event store is closed.");
        }
        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task WriteLoopAsync()
    {
        NpgsqlConnection? connection = null;
        var group = new List<PendingAppend>();
        var ids = new HashSet<Guid>();
        PendingAppend? carried = null;
        try
        {
            while (carried is not null || await _queue.Reader.WaitToReadAsync())
            {
                group.Clear();
                ids.Clear();
                var events = 0;
                if (carried is not null)
                {
                    Add(carried);
                    carried = null;
                }
                while (events < _maxEvents && _queue.Reader.TryRead(out var next))
                {
                    if (next.Events.Any(e => ids.Contains(e.EventId)))
                    {
                        // One event id twice in a group (concurrent retries of one append): the later goes in the next
                        // group, where it finds the earlier stored and reports it as already stored.
                        carried = next;
                        break;
                    }
                    Add(next);
                }
                if (group.Count == 0)
                {
                    continue;
                }

                void Add(PendingAppend pending)
                {
                    group.Add(pending);
                    events += pending.Events.Count;
                    foreach (var e in pending.Events)
                    {
                        ids.Add(e.EventId);
                    }
                }
                try
                {
                    connection ??= await _dataSource.OpenConnectionAsync();
                    await CommitGroupAsync(connection, group);
                }
                catch (Exception error) when (error is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
                {
                    // The outcome of the group is unknown (the commit may have happened): callers get the error, and
                    // a retry with the same event ids is safe because appends are idempotent by event id.
                    foreach (var pending in group)
                    {
                        pending.Completion.TrySetException(new EventStoreUnavailableException($"The append to '{pending.Stream}' failed on PostgreSQL: {error.Message}", error));
                    }
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task CommitGroupAsync(NpgsqlConnection connection, List<PendingAppend> group)
    {
        IReadOnlyList<(int Status, long Position, long Version)> results;
        try
        {
            results = await ExecuteAsync(connection, group);
        }
        catch (PostgresException error) when (error.SqlState is UniqueViolation or DeadlockDetected)
        {
            // Another transaction committed one of these event ids (or a version) while this group ran: the whole group
            // rolled back. Each append goes again on its own, where the function sees the committed rows.
            foreach (var pending in group)
            {
                await CommitAloneAsync(connection, pending);
            }
            return;
        }
        _committed();
        for (var i = 0; i < group.Count; i++)
        {
            await CompleteAsync(connection, group[i], results[i]);
        }
    }

    private async Task CommitAloneAsync(NpgsqlConnection connection, PendingAppend pending)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = (await ExecuteAsync(connection, [pending]))[0];
                _committed();
                await CompleteAsync(connection, pending, result);
                return;
            }
            catch (PostgresException error) when (error.SqlState is UniqueViolation or DeadlockDetected && attempt < 3)
            {
            }
            catch (PostgresException error) when (error.SqlState == UniqueViolation && error.ConstraintName == "events_stream_version")
            {
                pending.Completion.TrySetResult(AppendResult.WrongExpectedVersion(await ReadVersionAsync(connection, pending.Stream)));
                return;
            }
            catch (PostgresException error) when (error.SqlState == UniqueViolation && error.ConstraintName == "events_event_id")
            {
                await CompleteAsync(connection, pending, (2, 0, 0));
                return;
            }
        }
    }

    private async Task CompleteAsync(NpgsqlConnection connection, PendingAppend pending, (int Status, long Position, long Version) result)
    {
        switch (result.Status)
        {
            case 0:
                pending.Completion.TrySetResult(AppendResult.Written(new GlobalPosition(result.Position), new StreamVersion(result.Version)));
                break;
            case 1:
                pending.Completion.TrySetResult(AppendResult.WrongExpectedVersion(new StreamVersion(result.Version)));
                break;
            default:
                try
                {
                    var stored = await ReadByIdsAsync(connection, pending.Events);
                    var check = DuplicateCheck.Check(pending.Stream, pending.Events, id => stored.GetValueOrDefault(id));
                    pending.Completion.TrySetResult(check
                        ?? throw new InvalidOperationException("The append function reported stored event ids that cannot be found."));
                }
                catch (DuplicateEventException error)
                {
                    pending.Completion.TrySetException(error);
                }
                break;
        }
    }

    /// <summary>The call of the append function for a group of appends: one row of (status, last position, last version) per append.</summary>
    internal static NpgsqlBatchCommand AppendCommand(Sql sql, IReadOnlyList<PendingAppend> group)
    {
        var streams = new string[group.Count];
        var expected = new long[group.Count];
        var counts = new int[group.Count];
        var total = 0;
        for (var i = 0; i < group.Count; i++)
        {
            total += group[i].Events.Count;
        }
        var ids = new Guid[total];
        var types = new string[total];
        var data = new byte[total][];
        var metadata = new byte[total][];
        var k = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var pending = group[i];
            streams[i] = pending.Stream.Value;
            expected[i] = pending.Expected.Kind switch
            {
                ExpectedVersionKind.Any => -2,
                ExpectedVersionKind.NoStream => -1,
                _ => pending.Expected.Version.Value,
            };
            counts[i] = pending.Events.Count;
            for (var j = 0; j < pending.Events.Count; j++, k++)
            {
                var e = pending.Events[j];
                ids[k] = e.EventId;
                types[k] = e.Type;
                data[k] = MemoryMarshal.TryGetArray(e.Data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                    ? segment.Array
                    : e.Data.ToArray();
                metadata[k] = j > 0 && ReferenceEquals(e.Metadata, pending.Events[j - 1].Metadata)
                    ? metadata[k - 1]
                    : EventRows.SerializeMetadata(e.Metadata);
            }
        }

        return new NpgsqlBatchCommand(sql.Append)
        {
            Parameters =
            {
                new() { Value = streams },
                new() { Value = expected },
                new() { Value = counts },
                new() { Value = ids },
                new() { Value = types },
                new() { Value = data },
                new() { Value = metadata },
            },
        };
    }

    private async Task<IReadOnlyList<(int, long, long)>> ExecuteAsync(NpgsqlConnection connection, List<PendingAppend> group)
    {
        // The notification goes in its own implicit transaction after the append's commit (error barriers): a NOTIFY
        // inside the append transaction would take PostgreSQL's global notify lock across the commit's WAL flush and so
        // serialize every append. Both still travel in one round trip.
        await using var batch = new NpgsqlBatch(connection) { EnableErrorBarriers = true };
        batch.BatchCommands.Add(AppendCommand(_sql, group));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.Notify));
        var results = new List<(int, long, long)>(group.Count);
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return results;
    }

    private async Task<Dictionary<Guid, RecordedEvent>> ReadByIdsAsync(NpgsqlConnection connection, IReadOnlyList<EventData> events)
    {
        await using var command = new NpgsqlCommand(_sql.ReadByIds, connection) { Parameters = { new() { Value = events.Select(e => e.EventId).ToArray() } } };
        return (await EventRows.ReadAllAsync(command, CancellationToken.None)).ToDictionary(e => e.EventId);
    }

    private async Task<StreamVersion> ReadVersionAsync(NpgsqlConnection connection, StreamName stream)
    {
        await using var command = new NpgsqlCommand(_sql.StreamVersion, connection) { Parameters = { new() { Value = stream.Value } } };
        return new StreamVersion((long)(await command.ExecuteScalarAsync())!);
    }
}

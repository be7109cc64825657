using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>
/// The event store on PostgreSQL: appends are group-committed through the append function, positions come from a
/// sequence and readers of the whole log stop at a safe high-water mark, and live subscribers wake on LISTEN/NOTIFY.
/// The schema is created or migrated on first use.
/// </summary>
public sealed class PostgresEventStore : IEventStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreSchema _schema;
    private readonly Sql _sql;
    private readonly PostgresStoreOptions _options;
    private readonly AppendSignal _signal = new();
    private readonly SafeHighWaterMark _mark;
    private readonly NotificationListener _listener;
    private readonly Lazy<Task> _initialized;
    private readonly Lazy<InlineAppendProjector?> _inline;
    private GroupCommitter? _committer;
    private int _disposed;

    /// <summary>Opens the store with the given options; the schema is created or migrated on first use.</summary>
    public PostgresEventStore(PostgresStoreOptions options, ILogger<PostgresEventStore>? logger = null)
        : this(options, logger, null)
    {
    }

    internal PostgresEventStore(PostgresStoreOptions options, ILogger<PostgresEventStore>? logger, Func<InlineAppendProjector?>? inline)
    {
        _inline = new Lazy<InlineAppendProjector?>(() => inline?.Invoke());
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _schema = new StoreSchema(options.Schema);
        _sql = new Sql(_schema);
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _mark = new SafeHighWaterMark(_dataSource, _sql, _signal.Notify);
        _listener = new NotificationListener(_dataSource, _sql, _signal.Notify, (ILogger?)logger ?? NullLogger.Instance);
        _initialized = new Lazy<Task>(InitializeAsync);
    }

    /// <summary>The schema the store keeps its tables in.</summary>
    public string Schema => _schema.Name;

    internal Sql Statements => _sql;

    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Advances the safe high-water mark without waiting, and returns it.</summary>
    internal ValueTask<long> AdvanceMarkAsync(CancellationToken cancellationToken) => _mark.AdvanceAsync(cancellationToken);

    /// <summary>Creates or migrates the schema now rather than on first use.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _initialized.Value.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(stream, events);
        cancellationToken.ThrowIfCancellationRequested();
        await _initialized.Value.WaitAsync(cancellationToken);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_inline.Value is { Any: true } inline)
        {
            return await AppendInlineAsync(inline, stream, expected, events, cancellationToken);
        }
        // Once queued, an append is not withdrawn: it may already be committing.
        return await _committer!.AppendAsync(stream, expected, events);
    }

    /// <summary>
    /// Appends in a transaction of its own that also runs the inline projections, holding the append lock exclusively so
    /// every lower position is final; a projection that throws rolls the append back.
    /// </summary>
    private async ValueTask<AppendResult> AppendInlineAsync(InlineAppendProjector inline, StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        (int Status, long Position, long Version) result;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var exclusive = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({StoreSchema.TesseraLockClass}, {_schema.LockKey})", connection, transaction))
            {
                await exclusive.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var append = new NpgsqlBatch(connection, transaction) { BatchCommands = { GroupCommitter.AppendCommand(_sql, [new PendingAppend(stream, expected, events)]) } })
            await using (var reader = await append.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                result = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
            }
            if (result.Status == 1)
            {
                return AppendResult.WrongExpectedVersion(new StreamVersion(result.Version));
            }
            if (result.Status == 0)
            {
                await inline.ApplyAsync(connection, transaction, _sql, result.Position, cancellationToken);
                await transaction.CommitAsync(CancellationToken.None);
                await using var notify = new NpgsqlCommand(_sql.Notify, connection);
                await notify.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        if (result.Status != 0)
        {
            // Already stored (a retry): the group committer's path answers it, and the projections applied it back then.
            return await _committer!.AppendAsync(stream, expected, events);
        }
        _signal.Notify();
        return AppendResult.Written(new GlobalPosition(result.Position), new StreamVersion(result.Version));
    }

    /// <inheritdoc />
    public async ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckRead(stream, from, maxCount);
        await _initialized.Value.WaitAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(direction == ReadDirection.Forwards ? _sql.ReadForwards : _sql.ReadBackwards, connection)
        {
            Parameters = { new() { Value = stream.Value }, new() { Value = from.Value }, new() { Value = maxCount } },
        };
        var events = new List<RecordedEvent>();
        var last = StreamVersion.None;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                last = new StreamVersion(reader.GetInt64(0));
                if (!reader.IsDBNull(1))
                {
                    events.Add(EventRows.Read(reader, 1));
                }
            }
        }
        var isEnd = events.Count < maxCount
            || (direction == ReadDirection.Forwards ? events[^1].Version == last : events[^1].Version == StreamVersion.Start);
        return new StreamSlice(events, last, isEnd);
    }

    /// <inheritdoc />
    public async ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadAll(after, maxCount);
        await _initialized.Value.WaitAsync(cancellationToken);
        var safe = await _mark.CatchUpAsync(cancellationToken);
        var events = await ReadRangeAsync(after.Value, safe, maxCount + 1, cancellationToken);
        var isEnd = events.Count <= maxCount;
        if (!isEnd)
        {
            events.RemoveAt(events.Count - 1);
        }
        return new AllSlice(events, events.Count > 0 ? events[^1].Position : after, isEnd);
    }

    /// <inheritdoc />
    public async ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        await _initialized.Value.WaitAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(_sql.ReadByIds, connection) { Parameters = { new() { Value = new[] { eventId } } } };
        var found = await EventRows.ReadAllAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        await _initialized.Value.WaitAsync(cancellationToken);
        var safe = await _mark.CatchUpAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(_sql.Head, connection) { Parameters = { new() { Value = safe } } };
        return new GlobalPosition((long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadAll(after, maxBatch);
        await _initialized.Value.WaitAsync(cancellationToken);
        _listener.EnsureStarted();
        var cursor = after.Value;
        var backoff = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Take the signal before looking: an append or a move of the mark after the look completes it.
            var woken = _signal.Next;
            var safe = await _mark.AdvanceAsync(cancellationToken);
            if (safe > cursor)
            {
                var events = await ReadRangeAsync(cursor, safe, maxBatch, cancellationToken);
                // The range is read to its end when the page is not full; holes left in it are rolled-back appends.
                cursor = events.Count < maxBatch ? safe : events[^1].Position.Value;
                if (events.Count > 0)
                {
                    backoff = 1;
                    yield return events;
                }
                continue;
            }
            if (_mark.IsWaiting)
            {
                // An append in flight holds the mark back; its commit notifies, but a rollback does not, so look again soon.
                await Task.WhenAny(woken, Task.Delay(backoff, cancellationToken));
                backoff = Math.Min(backoff * 2, 50);
                continue;
            }
            try
            {
                await woken.WaitAsync(_options.IdleCheckInterval, cancellationToken);
            }
            catch (TimeoutException)
            {
                // No notification for a while: look anyway (a program that appends without notifying, a lost connection).
            }
        }
    }

    /// <summary>Stops the writers after the appends already queued, and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_committer is not null)
        {
            await _committer.DisposeAsync();
        }
        await _listener.DisposeAsync();
        _mark.Dispose();
        await _dataSource.DisposeAsync();
    }

    private async Task InitializeAsync()
    {
        await SchemaMigrator.MigrateAsync(_dataSource, _schema, CancellationToken.None);
        _committer = new GroupCommitter(_dataSource, _sql, _options, _signal.Notify);
    }

    private async Task<List<RecordedEvent>> ReadRangeAsync(long after, long upTo, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(_sql.ReadAll, connection)
        {
            Parameters = { new() { Value = after }, new() { Value = upTo }, new() { Value = limit } },
        };
        return await EventRows.ReadAllAsync(command, cancellationToken);
    }
}

using System.Collections.Concurrent;
using System.Data.Common;
using Npgsql;
using Tessera.Projections;

namespace Tessera.Storage.Postgres;

/// <summary>
/// Read models on PostgreSQL: one schema per projection generation holding its tables and its checkpoint row, so a
/// batch and its checkpoint commit in one transaction. The catalog (schema <c>tessera_read</c>) says which generation of
/// each projection serves; a rebuild swaps it in one transaction and drops the old schema. Queries read the serving
/// schema on the primary, or on a streaming replica when one is configured.
/// </summary>
internal sealed class PostgresReadModelStore : IReadModelStore, IReadModelReplica, IAsyncDisposable
{
    private readonly PostgresReadModelOptions _options;
    private readonly NpgsqlDataSource _primary;
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, int), string> _schemas = new();
    private readonly ConcurrentDictionary<string, string> _serving = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _catalogLock = new(1, 1);
    private readonly Lazy<Task> _catalog;

    public PostgresReadModelStore(PostgresReadModelOptions options)
    {
        options.Validate();
        PostgresTypeHandlers.Add();
        _options = options;
        _primary = NpgsqlDataSource.Create(options.ConnectionString);
        _catalog = new Lazy<Task>(CreateCatalogAsync);
    }

    public Type BatchType => typeof(SqlBatch);

    /// <summary>True when queries read a streaming replica, which may lag the checkpoints the runners wrote.</summary>
    public bool ReadsReplica => _options.ReplicaConnectionString is not null;

    /// <summary>Runs after a batch's statements and before its checkpoint commits; a test throws here to crash between the two.</summary>
    internal Action<string, GlobalPosition>? BeforeCommit { get; set; }

    /// <summary>The schema of a generation this store opened or created (for tests and tools).</summary>
    internal string SchemaOf(string projection, int number) => _schemas[(projection, number)];

    public async ValueTask<ReadModelGeneration> OpenAsync(ProjectionDefinition projection, CancellationToken cancellationToken)
    {
        await _catalog.Value.WaitAsync(cancellationToken);
        await _catalogLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await _primary.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockAsync(connection, projection.Name, cancellationToken);
            await DropOtherVersionsAsync(connection, projection.Name, cancellationToken);
            var (number, schema) = await ServingAsync(connection, projection.Name, cancellationToken);
            if (number == 0)
            {
                (number, schema) = await CreateSchemaAsync(connection, projection, serving: true, cancellationToken);
            }
            await DropStrayGenerationsAsync(connection, projection.Name, number, cancellationToken);
            var checkpoint = await ReadCheckpointAsync(connection, schema, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _schemas[(projection.Name, number)] = schema;
            _serving[projection.Name] = schema;
            return new ReadModelGeneration(projection.Name, number, checkpoint);
        }
        finally
        {
            _catalogLock.Release();
        }
    }

    public async ValueTask<ReadModelGeneration> CreateGenerationAsync(ProjectionDefinition projection, CancellationToken cancellationToken)
    {
        await _catalog.Value.WaitAsync(cancellationToken);
        await using var connection = await _primary.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, projection.Name, cancellationToken);
        var (number, schema) = await CreateSchemaAsync(connection, projection, serving: false, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _schemas[(projection.Name, number)] = schema;
        return new ReadModelGeneration(projection.Name, number, GlobalPosition.Start);
    }

    public async ValueTask<IReadModelWriter> BeginAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        var connection = await Source(_options.ConnectionString, _schemas[(generation.Projection, generation.Number)]).OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The row lock orders this batch with an append that applies the projection in its own transaction.
            await using var read = new NpgsqlCommand("SELECT position FROM tessera_checkpoint WHERE id = 1 FOR UPDATE", connection, transaction);
            var stored = new GlobalPosition((long)(await read.ExecuteScalarAsync(cancellationToken))!);
            return new Writer(this, generation.Projection, new SqlBatch(connection, transaction), stored);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask SwapAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        var schema = _schemas[(generation.Projection, generation.Number)];
        await using (var connection = await _primary.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockAsync(connection, generation.Projection, cancellationToken);
            var (_, old) = await ServingAsync(connection, generation.Projection, cancellationToken);
            await ExecuteAsync(connection, "UPDATE tessera_read.generations SET serving = false WHERE projection = $1 AND serving", cancellationToken, generation.Projection);
            await ExecuteAsync(connection, "UPDATE tessera_read.generations SET serving = true WHERE schema_name = $1", cancellationToken, schema);
            if (old.Length > 0 && old != schema)
            {
                await DropSchemaAsync(connection, old, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            _serving[generation.Projection] = schema;
            if (old.Length > 0 && old != schema)
            {
                await ForgetSourcesAsync(old);
            }
        }
    }

    public async ValueTask DropAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        if (!_schemas.TryRemove((generation.Projection, generation.Number), out var schema))
        {
            return;
        }
        await using var connection = await _primary.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, generation.Projection, cancellationToken);
        await DropSchemaAsync(connection, schema, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ForgetSourcesAsync(schema);
    }

    public async ValueTask<IReadOnlyCollection<Guid>> ReadSkippedAsync(string projection, CancellationToken cancellationToken)
    {
        await _catalog.Value.WaitAsync(cancellationToken);
        await using var command = _primary.CreateCommand("SELECT event_id FROM tessera_read.skipped WHERE projection = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public async ValueTask RecordSkippedAsync(string projection, ProjectionError skipped, CancellationToken cancellationToken)
    {
        await _catalog.Value.WaitAsync(cancellationToken);
        await using var command = _primary.CreateCommand("INSERT INTO tessera_read.skipped (projection, event_id, position, event_type, error) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        command.Parameters.Add(new NpgsqlParameter { Value = skipped.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = skipped.Position.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = skipped.EventType });
        command.Parameters.Add(new NpgsqlParameter { Value = skipped.Message });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<DbConnection> OpenReadConnectionAsync(string projection, CancellationToken cancellationToken) =>
        await Source(_options.ReplicaConnectionString ?? _options.ConnectionString, ServingSchema(projection)).OpenConnectionAsync(cancellationToken);

    public MemoryTables ReadMemory(string projection) =>
        throw new NotSupportedException($"The projection '{projection}' lives in PostgreSQL; use QueryContext.OpenConnectionAsync.");

    /// <summary>The checkpoint of the serving generation as the query side sees it (on the replica when one is configured).</summary>
    public async ValueTask<GlobalPosition> ReadVisibleCheckpointAsync(string projection, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReadConnectionAsync(projection, cancellationToken);
            await using var command = new NpgsqlCommand("SELECT position FROM tessera_checkpoint WHERE id = 1", (NpgsqlConnection)connection);
            return new GlobalPosition((long)(await command.ExecuteScalarAsync(cancellationToken))!);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable)
        {
            // The replica has not replayed the creation of the database or of the generation's tables yet.
            return GlobalPosition.Start;
        }
    }

    public TimeSpan PollInterval => _options.ReplicaPollInterval;

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync();
        }
        _sources.Clear();
        await _primary.DisposeAsync();
        _catalogLock.Dispose();
    }

    /// <summary>The schema of the serving generation of a projection, once its runner opened it.</summary>
    internal string ServingSchema(string projection) =>
        _serving.TryGetValue(projection, out var schema)
            ? schema
            : throw new InvalidOperationException($"The projection '{projection}' has not been opened yet; its runner opens it when the host starts.");

    /// <summary>Closes the pools of a dropped schema.</summary>
    private async Task ForgetSourcesAsync(string schema)
    {
        foreach (var key in _sources.Keys.Where(k => k.EndsWith("\n" + schema, StringComparison.Ordinal)))
        {
            if (_sources.TryRemove(key, out var source))
            {
                await source.DisposeAsync();
            }
        }
    }

    /// <summary>One pooled data source per (server, schema), whose connections have the schema as their search path.</summary>
    private NpgsqlDataSource Source(string connectionString, string schema) =>
        _sources.GetOrAdd(connectionString + "\n" + schema, _ => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString));

    private async Task CreateCatalogAsync()
    {
        await using var connection = await _primary.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // Several processes may start on an empty database at once; CREATE ... IF NOT EXISTS alone races.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('tessera_read'))", CancellationToken.None);
        await ExecuteAsync(connection, ReadModelSql.Catalog, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static Task LockAsync(NpgsqlConnection connection, string projection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('tessera_read'), hashtext($1))", cancellationToken, ReadModelSql.Family(projection));

    private static async Task<(int Number, string Schema)> ServingAsync(NpgsqlConnection connection, string projection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT generation, schema_name FROM tessera_read.generations WHERE projection = $1 AND serving", connection)
        {
            Parameters = { new() { Value = projection } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetString(1)) : (0, string.Empty);
    }

    private static async Task<(int Number, string Schema)> CreateSchemaAsync(NpgsqlConnection connection, ProjectionDefinition projection, bool serving, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadModelSql.NewGeneration, connection)
        {
            Parameters = { new() { Value = projection.Name }, new() { Value = ReadModelSql.SchemaPrefix(projection.Name) }, new() { Value = serving } },
        };
        int number;
        string schema;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (number, schema) = (reader.GetInt32(0), reader.GetString(1));
        }
        await ExecuteAsync(connection, $"CREATE SCHEMA {schema}; SET LOCAL search_path TO {schema}; {ReadModelSql.Checkpoint}", cancellationToken);
        if (projection.Schema.Length > 0)
        {
            await ExecuteAsync(connection, projection.Schema, cancellationToken);
        }
        await ExecuteAsync(connection, "SET LOCAL search_path TO DEFAULT", cancellationToken);
        return (number, schema);
    }

    /// <summary>A projection whose name changed version ("orders.v1" to "orders.v2") starts afresh; the old version's schemas go.</summary>
    private static async Task DropOtherVersionsAsync(NpgsqlConnection connection, string projection, CancellationToken cancellationToken)
    {
        var stale = new List<(string Projection, string Schema)>();
        await using (var command = new NpgsqlCommand("SELECT projection, schema_name FROM tessera_read.generations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetString(0) != projection && ReadModelSql.Family(reader.GetString(0)) == ReadModelSql.Family(projection))
                {
                    stale.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
        foreach (var (name, schema) in stale)
        {
            await DropSchemaAsync(connection, schema, cancellationToken);
            await ExecuteAsync(connection, "DELETE FROM tessera_read.skipped WHERE projection = $1", cancellationToken, name);
        }
    }

    /// <summary>Schemas of generations that do not serve are left by a rebuild that did not finish; they are dropped.</summary>
    private static async Task DropStrayGenerationsAsync(NpgsqlConnection connection, string projection, int serving, CancellationToken cancellationToken)
    {
        var stray = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT schema_name FROM tessera_read.generations WHERE projection = $1 AND generation <> $2", connection)
        {
            Parameters = { new() { Value = projection }, new() { Value = serving } },
        })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stray.Add(reader.GetString(0));
            }
        }
        foreach (var schema in stray)
        {
            await DropSchemaAsync(connection, schema, cancellationToken);
        }
    }

    private static Task DropSchemaAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE; DELETE FROM tessera_read.generations WHERE schema_name = '{schema}'", cancellationToken);

    private static async Task<GlobalPosition> ReadCheckpointAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT position FROM {schema}.tessera_checkpoint WHERE id = 1", connection);
        return new GlobalPosition((long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class Writer(PostgresReadModelStore store, string projection, SqlBatch batch, GlobalPosition stored) : IReadModelWriter
    {
        public ProjectionBatch Batch => batch;

        public GlobalPosition StoredCheckpoint => stored;

        public async ValueTask CommitAsync(GlobalPosition checkpoint, CancellationToken cancellationToken)
        {
            store.BeforeCommit?.Invoke(projection, checkpoint);
            await using (var command = new NpgsqlCommand("UPDATE tessera_checkpoint SET position = $1 WHERE id = 1", (NpgsqlConnection)batch.Connection, (NpgsqlTransaction)batch.Transaction))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Value });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await batch.Transaction.CommitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            // Disposing an uncommitted Npgsql transaction rolls it back (or finds it gone with a broken connection).
            try
            {
                await batch.Transaction.DisposeAsync();
            }
            finally
            {
                await batch.Connection.DisposeAsync();
            }
        }
    }
}

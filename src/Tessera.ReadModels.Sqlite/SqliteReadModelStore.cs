using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Tessera.Projections;
using Tessera.Storage;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// The embedded read database: one SQLite file per projection generation, in WAL mode so readers never block the
/// projection's writer, with the checkpoint in a table of the same file so a batch and its checkpoint commit together.
/// A small catalog file says which generation of each projection serves; a rebuild swaps it in one update.
/// </summary>
internal sealed class SqliteReadModelStore : IReadModelStore, IDisposable
{
    private readonly string _folder;
    private readonly Lock _lock = new();
    private readonly SqliteConnection _catalog;
    private readonly ConcurrentDictionary<(string, int), PreparedSqliteConnection> _writers = new();
    private readonly ConcurrentDictionary<string, string> _readers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReadConnectionPool> _readPools = new(StringComparer.Ordinal);

    public SqliteReadModelStore(SqliteReadModelOptions options)
    {
        options.Validate();
        SqliteTypeHandlers.Add();
        _folder = Path.GetFullPath(options.DataFolder);
        Directory.CreateDirectory(_folder);
        _catalog = new SqliteConnection($"Data Source={Path.Combine(_folder, SqliteCheckpoints.CatalogFile)};Pooling=False");
        _catalog.Open();
        Execute(_catalog, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS serving (projection TEXT PRIMARY KEY, generation INTEGER NOT NULL); " +
            "CREATE TABLE IF NOT EXISTS skipped (projection TEXT NOT NULL, event_id TEXT NOT NULL, position INTEGER NOT NULL, event_type TEXT NOT NULL, error TEXT NOT NULL, PRIMARY KEY (projection, event_id));");
    }

    public Type BatchType => typeof(SqlBatch);

    /// <summary>Runs after a batch's statements and before its checkpoint commits; a test throws here to crash between the two.</summary>
    internal Action<string, GlobalPosition>? BeforeCommit { get; set; }

    public ValueTask<ReadModelGeneration> OpenAsync(ProjectionDefinition projection, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            DropOtherVersions(projection.Name);
            var number = ServingGeneration(projection.Name);
            if (number == 0)
            {
                number = 1;
                SetServing(projection.Name, number);
            }
            DeleteStrayGenerations(projection.Name, number);
            var checkpoint = OpenWriter(projection, number);
            _readers[projection.Name] = ReadConnectionString(projection.Name, number);
            return ValueTask.FromResult(new ReadModelGeneration(projection.Name, number, checkpoint));
        }
    }

    public ValueTask<ReadModelGeneration> CreateGenerationAsync(ProjectionDefinition projection, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var number = Math.Max(ServingGeneration(projection.Name), _writers.Keys.Where(k => k.Item1 == projection.Name).Select(k => k.Item2).DefaultIfEmpty(0).Max()) + 1;
            DeleteFiles(projection.Name, number);
            OpenWriter(projection, number);
            return ValueTask.FromResult(new ReadModelGeneration(projection.Name, number, GlobalPosition.Start));
        }
    }

    public async ValueTask<IReadModelWriter> BeginAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        var connection = _writers[(generation.Projection, generation.Number)];
        var transaction = await connection.Inner.BeginTransactionAsync(cancellationToken);
        return new Writer(this, generation.Projection, new SqlBatch(connection, transaction));
    }

    public ValueTask SwapAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var old = ServingGeneration(generation.Projection);
            SetServing(generation.Projection, generation.Number);
            _readers[generation.Projection] = ReadConnectionString(generation.Projection, generation.Number);
            if (old != 0 && old != generation.Number)
            {
                CloseAndDelete(generation.Projection, old);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DropAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            CloseAndDelete(generation.Projection, generation.Number);
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask<DbConnection> OpenReadConnectionAsync(string projection, CancellationToken cancellationToken)
    {
        if (!_readers.TryGetValue(projection, out var connectionString))
        {
            throw new InvalidOperationException($"The projection '{projection}' has not been opened yet; its runner opens it when the host starts.");
        }
        // Read connections are pooled here, each with its prepared statements: a query's SQL is parsed once per connection.
        return await _readPools.GetOrAdd(connectionString, c => new ReadConnectionPool(c)).RentAsync(cancellationToken);
    }

    public ValueTask<IReadOnlyCollection<Guid>> ReadSkippedAsync(string projection, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            using var command = _catalog.CreateCommand();
            command.CommandText = "SELECT event_id FROM skipped WHERE projection = $p";
            command.Parameters.AddWithValue("$p", projection);
            using var reader = command.ExecuteReader();
            var ids = new List<Guid>();
            while (reader.Read())
            {
                ids.Add(Guid.Parse(reader.GetString(0)));
            }
            return ValueTask.FromResult<IReadOnlyCollection<Guid>>(ids);
        }
    }

    public ValueTask RecordSkippedAsync(string projection, ProjectionError skipped, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            using var command = _catalog.CreateCommand();
            command.CommandText = "INSERT INTO skipped (projection, event_id, position, event_type, error) VALUES ($p, $e, $n, $t, $m) ON CONFLICT DO NOTHING";
            command.Parameters.AddWithValue("$p", projection);
            command.Parameters.AddWithValue("$e", skipped.EventId.ToString());
            command.Parameters.AddWithValue("$n", skipped.Position.Value);
            command.Parameters.AddWithValue("$t", skipped.EventType);
            command.Parameters.AddWithValue("$m", skipped.Message);
            command.ExecuteNonQuery();
        }
        return ValueTask.CompletedTask;
    }

    public MemoryTables ReadMemory(string projection) =>
        throw new NotSupportedException($"The projection '{projection}' lives in SQLite; use QueryContext.OpenConnectionAsync.");

    public void Dispose()
    {
        foreach (var writer in _writers.Values)
        {
            writer.Dispose();
        }
        _writers.Clear();
        foreach (var pool in _readPools.Values)
        {
            pool.Dispose();
        }
        _readPools.Clear();
        _catalog.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private GlobalPosition OpenWriter(ProjectionDefinition projection, int number)
    {
        var connection = new SqliteConnection($"Data Source={FileOf(projection.Name, number)};Pooling=False");
        connection.Open();
        // WAL: readers see the last commit and never block the writer. synchronous=NORMAL may lose the last commits on
        // power loss, but the checkpoint is lost with them, so the runner applies those events again: nothing is skipped.
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000;");
        using (var transaction = connection.BeginTransaction())
        {
            using var exists = connection.CreateCommand();
            exists.Transaction = transaction;
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tessera_checkpoint'";
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                Execute(connection, "CREATE TABLE tessera_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL); INSERT INTO tessera_checkpoint VALUES (1, 0);", transaction);
                if (projection.Schema.Length > 0)
                {
                    Execute(connection, projection.Schema, transaction);
                }
            }
            transaction.Commit();
        }
        _writers[(projection.Name, number)] = new PreparedSqliteConnection(connection);
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT position FROM tessera_checkpoint WHERE id = 1";
        return new GlobalPosition(Convert.ToInt64(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private int ServingGeneration(string projection)
    {
        using var command = _catalog.CreateCommand();
        command.CommandText = "SELECT generation FROM serving WHERE projection = $p";
        command.Parameters.AddWithValue("$p", projection);
        return command.ExecuteScalar() is long number ? (int)number : 0;
    }

    private void SetServing(string projection, int number)
    {
        using var command = _catalog.CreateCommand();
        command.CommandText = "INSERT INTO serving (projection, generation) VALUES ($p, $g) ON CONFLICT (projection) DO UPDATE SET generation = excluded.generation";
        command.Parameters.AddWithValue("$p", projection);
        command.Parameters.AddWithValue("$g", number);
        command.ExecuteNonQuery();
    }

    /// <summary>A projection whose name changed version ("orders.v1" to "orders.v2") starts afresh; the old version's files go.</summary>
    private void DropOtherVersions(string projection)
    {
        var family = Family(projection);
        var stale = new List<(string, int)>();
        using (var command = _catalog.CreateCommand())
        {
            command.CommandText = "SELECT projection, generation FROM serving";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (name != projection && Family(name) == family)
                {
                    stale.Add((name, reader.GetInt32(1)));
                }
            }
        }
        foreach (var (name, number) in stale)
        {
            CloseAndDelete(name, number);
            DeleteStrayGenerations(name, 0);
            using var delete = _catalog.CreateCommand();
            delete.CommandText = "DELETE FROM serving WHERE projection = $p; DELETE FROM skipped WHERE projection = $p";
            delete.Parameters.AddWithValue("$p", name);
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>Files of generations that do not serve are left by a rebuild that did not finish; they are dropped.</summary>
    private void DeleteStrayGenerations(string projection, int serving)
    {
        foreach (var file in Directory.GetFiles(_folder, projection + ".g*.db"))
        {
            var middle = Path.GetFileName(file)[(projection.Length + 2)..^3];
            if (int.TryParse(middle, out var number) && number != serving)
            {
                DeleteFiles(projection, number);
            }
        }
    }

    private void CloseAndDelete(string projection, int number)
    {
        if (_writers.TryRemove((projection, number), out var writer))
        {
            writer.Dispose();
        }
        if (_readPools.TryRemove(ReadConnectionString(projection, number), out var pool))
        {
            pool.Dispose();
        }
        DeleteFiles(projection, number);
    }

    private void DeleteFiles(string projection, int number)
    {
        var file = FileOf(projection, number);
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }

    private string FileOf(string projection, int number) => Path.Combine(_folder, SqliteCheckpoints.FileName(projection, number));

    private string ReadConnectionString(string projection, int number) => $"Data Source={FileOf(projection, number)};Mode=ReadOnly;Pooling=False";

    private static string Family(string projection)
    {
        var version = projection.LastIndexOf(".v", StringComparison.Ordinal);
        return version > 0 ? projection[..version] : projection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class Writer(SqliteReadModelStore store, string projection, SqlBatch batch) : IReadModelWriter
    {
        private bool _committed;

        public ProjectionBatch Batch => batch;

        public async ValueTask CommitAsync(GlobalPosition checkpoint, CancellationToken cancellationToken)
        {
            store.BeforeCommit?.Invoke(projection, checkpoint);
            await using (var command = batch.Connection.CreateCommand())
            {
                command.Transaction = batch.Transaction;
                command.CommandText = "UPDATE tessera_checkpoint SET position = $p WHERE id = 1";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "$p";
                parameter.Value = checkpoint.Value;
                command.Parameters.Add(parameter);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await batch.Transaction.CommitAsync(cancellationToken);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                await batch.Transaction.RollbackAsync();
            }
            await batch.Transaction.DisposeAsync();
        }
    }
}

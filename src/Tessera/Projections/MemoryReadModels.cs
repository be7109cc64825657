using System.Collections.Immutable;
using System.Data.Common;
using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>Tables of rows held in memory, keyed by any value; a snapshot that never changes once read.</summary>
public sealed class MemoryTables
{
    internal MemoryTables(ImmutableDictionary<string, ImmutableDictionary<object, object>> tables) => Tables = tables;

    internal ImmutableDictionary<string, ImmutableDictionary<object, object>> Tables { get; }

    /// <summary>Finds one row by key.</summary>
    public bool TryGet<TRow>(string table, object key, out TRow row)
        where TRow : class
    {
        if (Tables.TryGetValue(table, out var rows) && rows.TryGetValue(key, out var found))
        {
            row = (TRow)found;
            return true;
        }
        row = null!;
        return false;
    }

    /// <summary>Every row of a table, in no particular order.</summary>
    public IEnumerable<TRow> Rows<TRow>(string table) =>
        Tables.TryGetValue(table, out var rows) ? rows.Values.Cast<TRow>() : [];
}

/// <summary>A batch on the in-memory read models: put and delete rows; nothing is visible until the runner commits.</summary>
public sealed class MemoryBatch : ProjectionBatch
{
    internal MemoryBatch(ImmutableDictionary<string, ImmutableDictionary<object, object>> tables) => Working = tables;

    internal ImmutableDictionary<string, ImmutableDictionary<object, object>> Working { get; private set; }

    /// <summary>Inserts or replaces the row under <paramref name="key"/>.</summary>
    public void Put(string table, object key, object row)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(row);
        var rows = Working.GetValueOrDefault(table) ?? ImmutableDictionary<object, object>.Empty;
        Working = Working.SetItem(table, rows.SetItem(key, row));
    }

    /// <summary>Removes the row under <paramref name="key"/>, if any.</summary>
    public void Delete(string table, object key)
    {
        if (Working.TryGetValue(table, out var rows))
        {
            Working = Working.SetItem(table, rows.Remove(key));
        }
    }

    /// <summary>Finds a row as this batch sees it (its own changes included).</summary>
    public bool TryGet<TRow>(string table, object key, out TRow row)
        where TRow : class => new MemoryTables(Working).TryGet(table, key, out row);
}

/// <summary>Read models in memory, for tests of the core: lost when the process ends.</summary>
internal sealed class InMemoryReadModelStore : IReadModelStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, int), Generation> _generations = [];
    private readonly Dictionary<string, int> _serving = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Guid>> _skipped = new(StringComparer.Ordinal);

    public Type BatchType => typeof(MemoryBatch);

    /// <summary>Called inside a commit before it is published; a test uses it to crash between apply and checkpoint.</summary>
    internal Action<string, GlobalPosition>? BeforeCommit { get; set; }

    public ValueTask<ReadModelGeneration> OpenAsync(ProjectionDefinition projection, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_serving.TryGetValue(projection.Name, out var number))
            {
                number = 1;
                _serving[projection.Name] = number;
                _generations[(projection.Name, number)] = new Generation(ImmutableDictionary<string, ImmutableDictionary<object, object>>.Empty, GlobalPosition.Start);
            }
            return ValueTask.FromResult(new ReadModelGeneration(projection.Name, number, _generations[(projection.Name, number)].Checkpoint));
        }
    }

    public ValueTask<ReadModelGeneration> CreateGenerationAsync(ProjectionDefinition projection, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var number = _generations.Keys.Where(k => k.Item1 == projection.Name).Select(k => k.Item2).DefaultIfEmpty(0).Max() + 1;
            _generations[(projection.Name, number)] = new Generation(ImmutableDictionary<string, ImmutableDictionary<object, object>>.Empty, GlobalPosition.Start);
            return ValueTask.FromResult(new ReadModelGeneration(projection.Name, number, GlobalPosition.Start));
        }
    }

    public ValueTask<IReadModelWriter> BeginAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var current = _generations[(generation.Projection, generation.Number)];
            return ValueTask.FromResult<IReadModelWriter>(new Writer(this, generation, new MemoryBatch(current.Tables)));
        }
    }

    public ValueTask SwapAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_serving.TryGetValue(generation.Projection, out var old) && old != generation.Number)
            {
                _generations.Remove((generation.Projection, old));
            }
            _serving[generation.Projection] = generation.Number;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DropAsync(ReadModelGeneration generation, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _generations.Remove((generation.Projection, generation.Number));
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<DbConnection> OpenReadConnectionAsync(string projection, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The projection '{projection}' lives in the in-memory read models, which have no SQL connection; use QueryContext.ReadMemory.");

    public ValueTask<IReadOnlyCollection<Guid>> ReadSkippedAsync(string projection, CancellationToken cancellationToken)
    {
        lock (_skipped)
        {
            return ValueTask.FromResult<IReadOnlyCollection<Guid>>(_skipped.TryGetValue(projection, out var ids) ? [.. ids] : []);
        }
    }

    public ValueTask RecordSkippedAsync(string projection, ProjectionError skipped, CancellationToken cancellationToken)
    {
        lock (_skipped)
        {
            if (!_skipped.TryGetValue(projection, out var ids))
            {
                _skipped[projection] = ids = [];
            }
            ids.Add(skipped.EventId);
        }
        return ValueTask.CompletedTask;
    }

    public MemoryTables ReadMemory(string projection)
    {
        lock (_lock)
        {
            return _serving.TryGetValue(projection, out var number)
                ? new MemoryTables(_generations[(projection, number)].Tables)
                : throw new InvalidOperationException($"The projection '{projection}' has not been opened yet.");
        }
    }

    internal GlobalPosition CheckpointOf(string projection)
    {
        lock (_lock)
        {
            return _generations[(projection, _serving[projection])].Checkpoint;
        }
    }

    private void Commit(ReadModelGeneration generation, MemoryBatch batch, GlobalPosition checkpoint)
    {
        BeforeCommit?.Invoke(generation.Projection, checkpoint);
        lock (_lock)
        {
            // The tables and the checkpoint are published together, as one reference: the in-memory form of one transaction.
            _generations[(generation.Projection, generation.Number)] = new Generation(batch.Working, checkpoint);
        }
    }

    private sealed record Generation(ImmutableDictionary<string, ImmutableDictionary<object, object>> Tables, GlobalPosition Checkpoint);

    private sealed class Writer(InMemoryReadModelStore store, ReadModelGeneration generation, MemoryBatch batch) : IReadModelWriter
    {
        public ProjectionBatch Batch => batch;

        public ValueTask CommitAsync(GlobalPosition checkpoint, CancellationToken cancellationToken)
        {
            store.Commit(generation, batch, checkpoint);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

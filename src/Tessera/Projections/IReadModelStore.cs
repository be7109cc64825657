using System.Data.Common;
using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>
/// A read database as the runner sees it: one set of tables per projection generation, each with its own checkpoint,
/// written in transactions that store the checkpoint together with the read-model change.
/// </summary>
internal interface IReadModelStore
{
    /// <summary>The batch type the store hands to handlers (<see cref="SqlBatch"/> or <see cref="MemoryBatch"/>).</summary>
    Type BatchType { get; }

    /// <summary>Opens the serving generation of a projection, creating its tables on first use, and reads its checkpoint.</summary>
    ValueTask<ReadModelGeneration> OpenAsync(ProjectionDefinition projection, CancellationToken cancellationToken);

    /// <summary>Creates a new, empty generation beside the serving one, for a rebuild.</summary>
    ValueTask<ReadModelGeneration> CreateGenerationAsync(ProjectionDefinition projection, CancellationToken cancellationToken);

    /// <summary>Starts a transaction on a generation.</summary>
    ValueTask<IReadModelWriter> BeginAsync(ReadModelGeneration generation, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="generation"/> the serving one in one step and drops the one it replaces.</summary>
    ValueTask SwapAsync(ReadModelGeneration generation, CancellationToken cancellationToken);

    /// <summary>Drops a generation that will not serve (a failed rebuild).</summary>
    ValueTask DropAsync(ReadModelGeneration generation, CancellationToken cancellationToken);

    /// <summary>Opens a read connection to the serving generation of a SQL projection.</summary>
    ValueTask<DbConnection> OpenReadConnectionAsync(string projection, CancellationToken cancellationToken);

    /// <summary>The committed tables of the serving generation of an in-memory projection.</summary>
    MemoryTables ReadMemory(string projection);

    /// <summary>The events an operator skipped in a projection; kept beside its generations, so a restart or a rebuild skips them again.</summary>
    ValueTask<IReadOnlyCollection<Guid>> ReadSkippedAsync(string projection, CancellationToken cancellationToken);

    /// <summary>Records, durably, that an operator skipped a poison event in a projection.</summary>
    ValueTask RecordSkippedAsync(string projection, ProjectionError skipped, CancellationToken cancellationToken);
}

/// <summary>A read database whose queries may read a copy that lags the projections' writes (a streaming replica).</summary>
internal interface IReadModelReplica
{
    /// <summary>True when queries read the copy; the query bus then waits for the copy's checkpoint, not only the runner's.</summary>
    bool ReadsReplica { get; }

    /// <summary>How often a waiting query looks at the copy's checkpoint again.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>The checkpoint of the serving generation of a projection, as the copy the queries read has it.</summary>
    ValueTask<GlobalPosition> ReadVisibleCheckpointAsync(string projection, CancellationToken cancellationToken);
}

/// <summary>One set of tables of a projection, and the checkpoint it had when opened.</summary>
internal sealed record ReadModelGeneration(string Projection, int Number, GlobalPosition Checkpoint);

/// <summary>An open transaction on one generation; disposing it without <see cref="CommitAsync"/> rolls back.</summary>
internal interface IReadModelWriter : IAsyncDisposable
{
    ProjectionBatch Batch { get; }

    /// <summary>The checkpoint stored in the read DB when the transaction began; ahead of the runner's after an inline append applied events itself.</summary>
    GlobalPosition StoredCheckpoint => GlobalPosition.Start;

    /// <summary>Stores the read-model change and the checkpoint in one transaction.</summary>
    ValueTask CommitAsync(GlobalPosition checkpoint, CancellationToken cancellationToken);
}

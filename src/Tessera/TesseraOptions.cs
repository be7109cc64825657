namespace Tessera;

/// <summary>Settings of the core.</summary>
public sealed class TesseraOptions
{
    /// <summary>How many times a command is reloaded and run again after a version conflict before it answers Conflict.</summary>
    public int ConflictRetries { get; set; } = 3;

    /// <summary>How long a query with a consistency token (or an inline projection) waits for projections before it answers "not yet consistent".</summary>
    public TimeSpan ConsistencyWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many events a projection runner reads and applies in one read-DB transaction.</summary>
    public int ProjectionBatchSize { get; set; } = 1000;

    /// <summary>How many answers one query type keeps in the local cache before the cache is emptied.</summary>
    public int QueryCacheEntries { get; set; } = 10_000;
}

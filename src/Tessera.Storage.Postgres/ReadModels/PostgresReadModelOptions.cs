namespace Tessera.Storage.Postgres;

/// <summary>Settings of the PostgreSQL read models.</summary>
public sealed class PostgresReadModelOptions
{
    /// <summary>The Npgsql connection string of the read database (the events' database or another one); projections write here.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// An optional read-only connection string (a streaming replica of the read database) that queries read from; a query
    /// with a consistency token then waits until the replica has replayed the projection's checkpoint.
    /// </summary>
    public string? ReplicaConnectionString { get; set; }

    /// <summary>How often a query waiting for a consistency token looks at the replica's checkpoint; 5 ms by default.</summary>
    public TimeSpan ReplicaPollInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Throws a clear exception on settings that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("PostgresReadModelOptions.ConnectionString is required: the read database's Npgsql connection string.", nameof(ConnectionString));
        }
        if (ReplicaConnectionString is not null && string.IsNullOrWhiteSpace(ReplicaConnectionString))
        {
            throw new ArgumentException("PostgresReadModelOptions.ReplicaConnectionString is blank; leave it null to read from the primary.", nameof(ReplicaConnectionString));
        }
        if (ReplicaPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PostgresReadModelOptions.ReplicaPollInterval must be positive, not {ReplicaPollInterval}.", nameof(ReplicaPollInterval));
        }
    }
}

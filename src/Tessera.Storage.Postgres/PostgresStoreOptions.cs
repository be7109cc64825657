using System.Text.RegularExpressions;

namespace Tessera.Storage.Postgres;

/// <summary>Settings of the PostgreSQL event store.</summary>
public sealed partial class PostgresStoreOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Tessera:Postgres";

    /// <summary>The Npgsql connection string of the write database.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema holding the store's tables, created and migrated by the store; "tessera" by default.</summary>
    public string Schema { get; set; } = "tessera";

    /// <summary>How many connections append in parallel, each committing groups of appends; 4 by default.</summary>
    public int Writers { get; set; } = 4;

    /// <summary>The most events one group commit carries; 5,000 by default.</summary>
    public int MaxEventsPerCommit { get; set; } = 5_000;

    /// <summary>
    /// How long a live subscription waits for a notification before it looks anyway (a lost notification or an append
    /// by a program that does not notify); 5 seconds by default.
    /// </summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("ConnectionString is required");
        }
        if (string.IsNullOrEmpty(Schema) || !SchemaPattern().IsMatch(Schema))
        {
            problems.Add($"Schema '{Schema}' must be a lower-case identifier (a-z, 0-9, _; at most 48 characters, starting with a letter or _)");
        }
        if (Writers is < 1 or > 64)
        {
            problems.Add($"Writers must be from 1 to 64, not {Writers}");
        }
        if (MaxEventsPerCommit is < 1 or > StoreArguments.MaxPageSize)
        {
            problems.Add($"MaxEventsPerCommit must be from 1 to {StoreArguments.MaxPageSize}, not {MaxEventsPerCommit}");
        }
        if (IdleCheckInterval <= TimeSpan.Zero)
        {
            problems.Add($"IdleCheckInterval must be positive, not {IdleCheckInterval}");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The PostgreSQL event store options are invalid: {string.Join("; ", problems)}.");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$")]
    private static partial Regex SchemaPattern();
}

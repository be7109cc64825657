using System.Globalization;
using System.Reflection;
using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>Creates and upgrades the store's schema from the numbered scripts embedded in this assembly.</summary>
internal static class SchemaMigrator
{
    private const string Prefix = "Tessera.Storage.Postgres.Scripts.";

    /// <summary>The scripts in order: version (the number the file name starts with) and text.</summary>
    public static IReadOnlyList<(int Version, string Name, string Text)> Scripts { get; } = LoadScripts();

    /// <summary>The schema version this build of the store writes.</summary>
    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Brings the schema to <see cref="LatestVersion"/>; several processes may call this at once.</summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, StoreSchema schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({StoreSchema.TesseraLockClass + 1}, {schema.LockKey})", cancellationToken);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {schema.Name};
            CREATE TABLE IF NOT EXISTS {schema.Name}.schema_versions (
                version int PRIMARY KEY,
                script text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now());
            """, cancellationToken);
        await using var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema.Name}.schema_versions", connection);
        var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The schema '{schema.Name}' is at version {current}, newer than this Tessera.Storage.Postgres knows ({LatestVersion}); upgrade the application.");
        }
        foreach (var (version, name, text) in Scripts)
        {
            if (version <= current)
            {
                continue;
            }
            await ExecuteAsync(connection, schema.Apply(text), cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {schema.Name}.schema_versions (version, script) VALUES ($1, $2)", connection);
            record.Parameters.Add(new NpgsqlParameter { Value = version });
            record.Parameters.Add(new NpgsqlParameter { Value = name });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> LoadScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[Prefix.Length..];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, name, reader.ReadToEnd()));
        }
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException("The SQL scripts are missing from Tessera.Storage.Postgres (embedded resources).");
        }
        return scripts;
    }
}

/// <summary>The schema name and the advisory lock keys derived from it.</summary>
internal sealed class StoreSchema
{
    /// <summary>The first key of every Tessera advisory lock ("TE").</summary>
    public const int TesseraLockClass = 0x5445_0000;

    public StoreSchema(string name)
    {
        Name = name;
        // FNV-1a of the name: a stable key per schema, so stores in different schemas do not wait for each other.
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }
        LockKey = (int)(hash & 0x7FFF_FFFF);
    }

    public string Name { get; }

    public int LockKey { get; }

    public string NotifyChannel => $"tessera_{Name}";

    /// <summary>Fills the placeholders of a script.</summary>
    public string Apply(string sql) => sql
        .Replace("{schema}", Name, StringComparison.Ordinal)
        .Replace("{lock_class}", TesseraLockClass.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{lock_key}", LockKey.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

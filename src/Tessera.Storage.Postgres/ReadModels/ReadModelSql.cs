using System.Text;

namespace Tessera.Storage.Postgres;

/// <summary>The read-model catalog's statements, and how a projection name becomes a schema name.</summary>
internal static class ReadModelSql
{
    /// <summary>Which schema holds each generation of each projection, and which one serves (at most one per projection).</summary>
    public const string Catalog = """
        CREATE SCHEMA IF NOT EXISTS tessera_read;
        CREATE TABLE IF NOT EXISTS tessera_read.generations (
            schema_name text PRIMARY KEY, projection text NOT NULL, generation integer NOT NULL, serving boolean NOT NULL,
            UNIQUE (projection, generation));
        CREATE UNIQUE INDEX IF NOT EXISTS generations_serving ON tessera_read.generations (projection) WHERE serving;
        CREATE SEQUENCE IF NOT EXISTS tessera_read.schema_numbers;
        CREATE TABLE IF NOT EXISTS tessera_read.skipped (
            projection text NOT NULL, event_id uuid NOT NULL, position bigint NOT NULL, event_type text NOT NULL, error text NOT NULL,
            PRIMARY KEY (projection, event_id));
        """;

    /// <summary>Registers the next generation of $1 under a fresh schema name made of the prefix $2 and a sequence number.</summary>
    public const string NewGeneration = """
        INSERT INTO tessera_read.generations (schema_name, projection, generation, serving)
        SELECT $2 || '_' || nextval('tessera_read.schema_numbers'), $1,
               coalesce((SELECT max(generation) FROM tessera_read.generations WHERE projection = $1), 0) + 1, $3
        RETURNING generation, schema_name
        """;

    /// <summary>The checkpoint row of one generation, in the generation's own schema.</summary>
    public const string Checkpoint = "CREATE TABLE tessera_checkpoint (id integer PRIMARY KEY CHECK (id = 1), position bigint NOT NULL); INSERT INTO tessera_checkpoint VALUES (1, 0);";

    /// <summary>"order-summaries.v1" becomes "rm_order_summaries_v1": a plain identifier under PostgreSQL's 63-byte limit.</summary>
    public static string SchemaPrefix(string projection)
    {
        var name = new StringBuilder("rm_");
        foreach (var c in projection.Length > 40 ? projection[..40] : projection)
        {
            name.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '_');
        }
        return name.ToString();
    }

    /// <summary>The name without its version suffix: "orders.v2" and "orders.v1" are one family.</summary>
    public static string Family(string projection)
    {
        var version = projection.LastIndexOf(".v", StringComparison.Ordinal);
        return version > 0 ? projection[..version] : projection;
    }
}

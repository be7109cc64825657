namespace Tessera.Storage.Postgres;

/// <summary>The store's statements for one schema; the DDL and the append function live in Scripts/*.sql.</summary>
internal sealed class Sql
{
    private const string EventColumns = "e.position, e.event_id, s.name, e.version, e.type, e.data, e.metadata";

    public Sql(StoreSchema schema)
    {
        var s = schema.Name;
        var locks = $"""
            FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = {StoreSchema.TesseraLockClass} AND objid = {schema.LockKey} AND objsubid = 2
            """;
        Append = $"SELECT status, last_position, last_version FROM {s}.append($1, $2, $3, $4, $5, $6, $7)";
        Notify = $"SELECT pg_notify('{schema.NotifyChannel}', '')";
        Listen = $"LISTEN {schema.NotifyChannel}";
        SequenceAndPrefix = $"""
            WITH l AS (SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS top FROM {s}.positions)
            SELECT l.top, (SELECT coalesce(max(t.position), $1) FROM (
                               SELECT position, row_number() OVER (ORDER BY position) AS rn
                               FROM {s}.events WHERE position > $1 AND position <= least(l.top, $1 + 100000)) AS t
                           WHERE t.position = $1 + t.rn)
            FROM l
            """;
        Sequence = $"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {s}.positions";
        Prefix = $"""
            SELECT coalesce(max(position), $1) FROM (
                SELECT position, row_number() OVER (ORDER BY position) AS rn
                FROM {s}.events WHERE position > $1 AND position <= least($2, $1 + 100000)) AS t
            WHERE t.position = $1 + t.rn
            """;
        Holders = $"SELECT coalesce(array_agg(virtualtransaction), '{{}}') {locks}";
        HoldersLeft = $"SELECT count(*) {locks} AND virtualtransaction = ANY ($1)";
        ReadAll = $"""
            SELECT {EventColumns} FROM {s}.events e JOIN {s}.streams s ON s.stream_id = e.stream_id
            WHERE e.position > $1 AND e.position <= $2 ORDER BY e.position LIMIT $3
            """;
        Head = $"SELECT coalesce(max(position), 0) FROM {s}.events WHERE position <= $1";
        ReadForwards = $"""
            SELECT s.version, e.position, e.event_id, s.name, e.version, e.type, e.data, e.metadata
            FROM {s}.streams s LEFT JOIN LATERAL (
                SELECT * FROM {s}.events x WHERE x.stream_id = s.stream_id AND x.version >= $2 ORDER BY x.version LIMIT $3) e ON true
            WHERE s.name = $1 ORDER BY e.version
            """;
        ReadBackwards = $"""
            SELECT s.version, e.position, e.event_id, s.name, e.version, e.type, e.data, e.metadata
            FROM {s}.streams s LEFT JOIN LATERAL (
                SELECT * FROM {s}.events x WHERE x.stream_id = s.stream_id AND x.version <= $2 ORDER BY x.version DESC LIMIT $3) e ON true
            WHERE s.name = $1 ORDER BY e.version DESC
            """;
        ReadByIds = $"SELECT {EventColumns} FROM {s}.events e JOIN {s}.streams s ON s.stream_id = e.stream_id WHERE e.event_id = ANY ($1)";
        StreamVersion = $"SELECT coalesce(max(e.version), -1) FROM {s}.events e JOIN {s}.streams s ON s.stream_id = e.stream_id WHERE s.name = $1";
    }

    public string Append { get; }

    public string Notify { get; }

    public string Listen { get; }

    /// <summary>The sequence's last drawn value, and the end of the unbroken run of visible positions after $1 up to it (at most 100,000 ahead).</summary>
    public string SequenceAndPrefix { get; }

    /// <summary>The sequence's last drawn value (0 before the first).</summary>
    public string Sequence { get; }

    /// <summary>The end of the unbroken run of visible positions after $1 up to $2 (looking at most 100,000 ahead).</summary>
    public string Prefix { get; }

    /// <summary>The transactions that hold the appenders' shared lock now.</summary>
    public string Holders { get; }

    /// <summary>How many of the transactions $1 still hold the appenders' lock.</summary>
    public string HoldersLeft { get; }

    public string ReadAll { get; }

    public string Head { get; }

    public string ReadForwards { get; }

    public string ReadBackwards { get; }

    public string ReadByIds { get; }

    public string StreamVersion { get; }
}

using Npgsql;
using Tessera.Storage.Conformance;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>Calls the store's append function inside a transaction the test controls, to hold it open or roll it back.</summary>
internal static class RawAppend
{
    /// <summary>Appends <paramref name="events"/> to <paramref name="stream"/> (any version) in the open transaction and returns the last position drawn.</summary>
    public static async Task<long> AppendAsync(PostgresEventStore store, NpgsqlConnection connection, string stream, IReadOnlyList<EventData> events)
    {
        await using var command = new NpgsqlCommand(store.Statements.Append, connection)
        {
            Parameters =
            {
                new() { Value = new[] { stream } },
                new() { Value = new long[] { -2 } },
                new() { Value = new[] { events.Count } },
                new() { Value = events.Select(e => e.EventId).ToArray() },
                new() { Value = events.Select(e => e.Type).ToArray() },
                new() { Value = events.Select(e => e.Data.ToArray()).ToArray() },
                new() { Value = events.Select(e => EventRows.SerializeMetadata(e.Metadata)).ToArray() },
            },
        };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        if (reader.GetInt32(0) != 0)
        {
            throw new InvalidOperationException($"The raw append to {stream} was not written (status {reader.GetInt32(0)}).");
        }
        return reader.GetInt64(1);
    }

    /// <summary>Notifies live subscribers, as the store's writers do after each commit.</summary>
    public static async Task NotifyAsync(PostgresEventStore store, NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(store.Statements.Notify, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static EventData[] Events(int count, string prefix) => TestEvents.Many(count, prefix);
}

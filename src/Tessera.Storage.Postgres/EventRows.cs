using System.Text.Json;
using Npgsql;
using Tessera.Serialization;

namespace Tessera.Storage.Postgres;

/// <summary>Turns rows of (position, event_id, stream name, version, type, data, metadata) into recorded events.</summary>
internal static class EventRows
{
    public static byte[] SerializeMetadata(Tessera.Messages.EventMetadata metadata) =>
        JsonSerializer.SerializeToUtf8Bytes(metadata, TesseraJsonContext.Default.EventMetadata);

    public static RecordedEvent Read(NpgsqlDataReader reader, int first)
    {
        var metadata = JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(first + 6), TesseraJsonContext.Default.EventMetadata)
            ?? throw new InvalidDataException($"Event at position {reader.GetInt64(first)} has null metadata.");
        return new RecordedEvent(
            reader.GetGuid(first + 1),
            new StreamName(reader.GetString(first + 2)),
            new StreamVersion(reader.GetInt64(first + 3)),
            new GlobalPosition(reader.GetInt64(first)),
            reader.GetString(first + 4),
            reader.GetFieldValue<byte[]>(first + 5),
            metadata);
    }

    public static async Task<List<RecordedEvent>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(Read(reader, 0));
        }
        return events;
    }
}

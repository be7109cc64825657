using Tessera.Messages;

namespace Tessera.Storage;

/// <summary>An event about to be appended: id, stable type name, serialized data and metadata.</summary>
public sealed class EventData
{
    /// <summary>Creates an event to append, refusing an empty id, type name or data.</summary>
    public EventData(Guid eventId, string type, ReadOnlyMemory<byte> data, EventMetadata metadata)
    {
        if (eventId == Guid.Empty)
        {
            throw new ArgumentException("An event id cannot be empty.", nameof(eventId));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        if (data.IsEmpty)
        {
            throw new ArgumentException("Event data cannot be empty.", nameof(data));
        }
        ArgumentNullException.ThrowIfNull(metadata);
        EventId = eventId;
        Type = type;
        Data = data;
        Metadata = metadata;
    }

    /// <summary>The event's unique id; appending the same id again is idempotent.</summary>
    public Guid EventId { get; }

    /// <summary>The stable type name of the event.</summary>
    public string Type { get; }

    /// <summary>The event serialized as UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Who, when, why and under which signature.</summary>
    public EventMetadata Metadata { get; }
}

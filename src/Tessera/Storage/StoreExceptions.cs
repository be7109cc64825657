namespace Tessera.Storage;

/// <summary>An append carried an event id that the store already holds with other content or in another place.</summary>
public sealed class DuplicateEventException : Exception
{
    /// <summary>Creates the exception for the given event id.</summary>
    public DuplicateEventException(Guid eventId, string reason)
        : base($"Event {eventId} is already stored with different content or in a different place: {reason}.") =>
        EventId = eventId;

    /// <summary>The duplicated event id.</summary>
    public Guid EventId { get; }
}

/// <summary>The store cannot accept appends (for example after a failed flush to disk) until it is reopened.</summary>
public sealed class EventStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with a reason.</summary>
    public EventStoreUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

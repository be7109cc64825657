namespace Tessera.Messages;

/// <summary>A fact that happened, stored under a stable type name.</summary>
public interface IEvent;

/// <summary>An event raised by the aggregate with the typed id <typeparamref name="TId"/>.</summary>
public interface IEvent<out TId> : IEvent
    where TId : struct, IIdentity
{
    /// <summary>The id of the aggregate that raised this event.</summary>
    TId Id { get; }
}

namespace Tessera.Messages;

/// <summary>A request to change the system; it returns an ack or a nack, never domain data.</summary>
public interface ICommand;

/// <summary>A command aimed at the aggregate with the typed id <typeparamref name="TId"/>.</summary>
public interface ICommand<out TId> : ICommand
    where TId : struct, IIdentity
{
    /// <summary>The id of the aggregate this command targets.</summary>
    TId Id { get; }
}

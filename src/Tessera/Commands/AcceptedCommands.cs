using Tessera.Storage;

namespace Tessera.Commands;

/// <summary>Finds the result a command got the first time, from the events it left in the store.</summary>
internal static class AcceptedCommands
{
    private const int MaxEventsPerCommand = 1_000;

    /// <summary>Accepted with the position and version of the command's last event, or null when its first event is not stored.</summary>
    public static async ValueTask<CommandResult?> FindAsync(IEventReader store, Guid firstEventId, Guid commandId, CancellationToken cancellationToken)
    {
        var first = await store.ReadEventAsync(firstEventId, cancellationToken);
        if (first is null)
        {
            return null;
        }
        if (first.Metadata.CausationId != commandId)
        {
            return null;
        }
        var slice = await store.ReadStreamAsync(first.Stream, first.Version, ReadDirection.Forwards, MaxEventsPerCommand, cancellationToken);
        var last = first;
        foreach (var e in slice.Events)
        {
            if (e.Metadata.CausationId != commandId)
            {
                break;
            }
            last = e;
        }
        return CommandResult.Accepted(last.Position, last.Version);
    }
}

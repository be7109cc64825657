using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>Runs one command type; the bus requires exactly one per command. Handlers are singletons.</summary>
public interface ICommandHandler<in TCommand>
    where TCommand : class, ICommand
{
    /// <summary>Runs the command and says what happened.</summary>
    ValueTask<CommandResult> HandleAsync(TCommand command, CommandContext context);
}

/// <summary>Marks Tessera's own handlers (the aggregate factory's), which fix the context's time and id themselves when they need them.</summary>
internal interface IBuiltInCommandHandler;

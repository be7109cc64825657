using Tessera.Commands;
using Tessera.Messages;

namespace Tessera.Aggregates;

/// <summary>The bus handler of a command that an aggregate runs in its <c>When(TCommand)</c>.</summary>
internal sealed class AggregateCommandHandler<TAggregate, TCommand>(AggregateFactory factory) : ICommandHandler<TCommand>, IBuiltInCommandHandler
    where TAggregate : class
    where TCommand : class, ICommand
{
    public ValueTask<CommandResult> HandleAsync(TCommand command, CommandContext context) =>
        factory.ExecuteAsync<TAggregate, TCommand>(command, context);
}

using Tessera.Aggregates;
using Tessera.Messages;

namespace Tessera.Commands.Steps;

/// <summary>Checks every rule declared on the command and reports all that are violated, not just the first.</summary>
internal sealed class RuleValidationStep<TCommand>(Rule<TCommand>[] rules) : ICommandStep
    where TCommand : class, ICommand
{
    public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
    {
        var typed = (TCommand)command;
        List<RuleViolation>? violations = null;
        foreach (var rule in rules)
        {
            if (!rule.Holds(typed))
            {
                (violations ??= []).Add(rule.Violation);
            }
        }
        return violations is null ? next(command, context) : ValueTask.FromResult(CommandResult.ValidationFailed(violations));
    }
}

using Tessera.Aggregates;
using Tessera.Messages;

namespace Tessera.Commands.Steps;

/// <summary>Checks every rule declared on the command and reports all that are violated, not just the first.</summary>
internal sealed class RuleValidationStep<TCommand>(Rule<TCommand>[] rules)
    where TCommand : class, ICommand
{
    /// <summary>True when every rule holds; otherwise <paramref name="failed"/> lists every violated one.</summary>
    public bool Passes(TCommand command, out CommandResult failed)
    {
        List<RuleViolation>? violations = null;
        foreach (var rule in rules)
        {
            if (!rule.Holds(command))
            {
                (violations ??= []).Add(rule.Violation);
            }
        }
        failed = violations is null ? default : CommandResult.ValidationFailed(violations);
        return violations is null;
    }
}

using Tessera.Messages;

namespace Tessera.Aggregates;

/// <summary>Creates business rules: a stable code, a message, and the condition under which the rule holds.</summary>
public static class Rule
{
    /// <summary>A rule on the command alone, checked before any I/O.</summary>
    public static Rule<TCommand> For<TCommand>(string code, string message, Func<TCommand, bool> holds, string? field = null)
        where TCommand : class, ICommand => new(code, message, field, holds);

    /// <summary>A rule on the aggregate's current state and the command, checked once the state is loaded.</summary>
    public static Rule<TState, TCommand> For<TState, TCommand>(string code, string message, Func<TState, TCommand, bool> holds, string? field = null)
        where TState : class
        where TCommand : class, ICommand => new(code, message, field, holds);

    internal static void CheckCode(string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var dot = code.IndexOf('.', StringComparison.Ordinal);
        var valid = dot > 0 && dot < code.Length - 1;
        foreach (var c in code)
        {
            valid &= c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.';
        }
        if (!valid)
        {
            throw new ArgumentException($"The rule code '{code}' must look like '<aggregate>.<kebab-reason>' in lower case.", nameof(code));
        }
    }
}

/// <summary>A business rule on a command alone.</summary>
public sealed class Rule<TCommand>
    where TCommand : class, ICommand
{
    private readonly Func<TCommand, bool> _holds;

    internal Rule(string code, string message, string? field, Func<TCommand, bool> holds)
    {
        Rule.CheckCode(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        ArgumentNullException.ThrowIfNull(holds);
        _holds = holds;
        Violation = new RuleViolation(code, message, field);
    }

    /// <summary>What is reported when the rule does not hold.</summary>
    public RuleViolation Violation { get; }

    /// <summary>True when the command satisfies the rule.</summary>
    public bool Holds(TCommand command) => _holds(command);
}

/// <summary>A business rule on an aggregate's state and a command.</summary>
public sealed class Rule<TState, TCommand>
    where TState : class
    where TCommand : class, ICommand
{
    private readonly Func<TState, TCommand, bool> _holds;

    internal Rule(string code, string message, string? field, Func<TState, TCommand, bool> holds)
    {
        Rule.CheckCode(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        ArgumentNullException.ThrowIfNull(holds);
        _holds = holds;
        Violation = new RuleViolation(code, message, field);
    }

    /// <summary>What is reported when the rule does not hold.</summary>
    public RuleViolation Violation { get; }

    /// <summary>True when the state and command satisfy the rule.</summary>
    public bool Holds(TState state, TCommand command) => _holds(state, command);
}

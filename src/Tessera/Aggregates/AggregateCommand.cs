using System.Linq.Expressions;
using System.Reflection;
using Tessera.Messages;

namespace Tessera.Aggregates;

/// <summary>How an aggregate runs one command type: its target mode, its state rules, and the compiled call to <c>When(TCommand)</c>.</summary>
internal abstract class AggregateCommand<TState>
    where TState : class, new()
{
    protected AggregateCommand(AggregateTarget target) => Target = target;

    public AggregateTarget Target { get; }

    public abstract Type CommandType { get; }

    /// <summary>The id of the aggregate the command targets.</summary>
    public abstract IIdentity TargetOf(ICommand command);

    /// <summary>Adds every state rule the command violates to <paramref name="violations"/>.</summary>
    public abstract void Check(TState state, ICommand command, ref List<RuleViolation>? violations);

    public abstract void Invoke(Aggregate<TState> aggregate, ICommand command);
}

internal sealed class AggregateCommand<TState, TCommand> : AggregateCommand<TState>
    where TState : class, new()
    where TCommand : class, ICommand
{
    private readonly Rule<TState, TCommand>[] _rules;
    private readonly Action<Aggregate<TState>, TCommand> _when;
    private readonly Func<TCommand, IIdentity> _target;

    private AggregateCommand(AggregateTarget target, Rule<TState, TCommand>[] rules, Action<Aggregate<TState>, TCommand> when, Func<TCommand, IIdentity> targetOf)
        : base(target)
    {
        _rules = rules;
        _when = when;
        _target = targetOf;
    }

    public override Type CommandType => typeof(TCommand);

    /// <summary>Finds <c>void When(TCommand)</c> on the aggregate type and compiles a call to it, or reports why it cannot.</summary>
    public static AggregateCommand<TState, TCommand>? Create(Type aggregateType, Type idType, AggregateTarget target, Rule<TState, TCommand>[] rules, List<string> errors)
    {
        var commandInterface = typeof(ICommand<>).MakeGenericType(idType);
        if (!commandInterface.IsAssignableFrom(typeof(TCommand)))
        {
            errors.Add($"{aggregateType.Name} handles {typeof(TCommand).Name}, which does not target a {idType.Name} (it must implement ICommand<{idType.Name}>).");
            return null;
        }
        var method = aggregateType.GetMethod("When", BindingFlags.Public | BindingFlags.Instance, [typeof(TCommand)]);
        if (method is null || method.ReturnType != typeof(void))
        {
            errors.Add($"{aggregateType.Name} handles {typeof(TCommand).Name} but has no public 'void When({typeof(TCommand).Name} command)' method.");
            return null;
        }
        foreach (var rule in rules)
        {
            if (rule is null)
            {
                errors.Add($"{aggregateType.Name}: a rule for {typeof(TCommand).Name} is null.");
                return null;
            }
        }
        var aggregate = Expression.Parameter(typeof(Aggregate<TState>), "aggregate");
        var command = Expression.Parameter(typeof(TCommand), "command");
        var call = Expression.Call(Expression.Convert(aggregate, aggregateType), method, command);
        var when = Expression.Lambda<Action<Aggregate<TState>, TCommand>>(call, aggregate, command).Compile();
        var id = Expression.Property(Expression.Convert(command, commandInterface), commandInterface.GetProperty(nameof(ICommand<IdentityPlaceholder>.Id))!);
        var targetOf = Expression.Lambda<Func<TCommand, IIdentity>>(Expression.Convert(id, typeof(IIdentity)), command).Compile();
        return new AggregateCommand<TState, TCommand>(target, rules, when, targetOf);
    }

    public override void Check(TState state, ICommand command, ref List<RuleViolation>? violations)
    {
        var typed = (TCommand)command;
        foreach (var rule in _rules)
        {
            if (!rule.Holds(state, typed))
            {
                (violations ??= []).Add(rule.Violation);
            }
        }
    }

    public override IIdentity TargetOf(ICommand command) => _target((TCommand)command);

    public override void Invoke(Aggregate<TState> aggregate, ICommand command) => _when(aggregate, (TCommand)command);
}

/// <summary>Only lets <c>nameof</c> name the generic interface's property.</summary>
internal readonly struct IdentityPlaceholder : IIdentity
{
    public bool TryFormat(Span<char> destination, out int charsWritten) => throw new NotSupportedException();
}

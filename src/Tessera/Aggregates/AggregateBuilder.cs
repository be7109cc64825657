using Tessera.Messages;

namespace Tessera.Aggregates;

/// <summary>Declares the commands an aggregate runs, with the rules each needs on the aggregate's state.</summary>
public sealed class AggregateBuilder<TAggregate, TState>
    where TAggregate : Aggregate<TState>, new()
    where TState : class, new()
{
    private readonly TesseraBuilder _builder;
    private readonly AggregateType<TAggregate, TState> _type;

    internal AggregateBuilder(TesseraBuilder builder, AggregateType<TAggregate, TState> type)
    {
        _builder = builder;
        _type = type;
    }

    /// <summary>The aggregate handles a command that creates it, in its <c>When(TCommand)</c>.</summary>
    public AggregateBuilder<TAggregate, TState> Creates<TCommand>(params Rule<TState, TCommand>[] rules)
        where TCommand : class, ICommand => On(AggregateTarget.New, true, rules);

    /// <summary>The aggregate handles a command on an existing instance, in its <c>When(TCommand)</c>.</summary>
    public AggregateBuilder<TAggregate, TState> Handles<TCommand>(params Rule<TState, TCommand>[] rules)
        where TCommand : class, ICommand => On(AggregateTarget.Existing, true, rules);

    /// <summary>The aggregate runs a command whose bus handler is the application's own, which calls <see cref="AggregateFactory.ExecuteAsync{TAggregate, TCommand}"/>.</summary>
    public AggregateBuilder<TAggregate, TState> Executes<TCommand>(AggregateTarget target, params Rule<TState, TCommand>[] rules)
        where TCommand : class, ICommand => On(target, false, rules);

    /// <summary>Writes a snapshot every <paramref name="events"/> events, so a load reads the snapshot and the tail only; bump <paramref name="schema"/> when the state's shape changes.</summary>
    public AggregateBuilder<TAggregate, TState> SnapshotEvery(int events, int schema = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(events);
        _type.SnapshotEvery = events;
        _type.SnapshotSchema = schema;
        return this;
    }

    private AggregateBuilder<TAggregate, TState> On<TCommand>(AggregateTarget target, bool handlesOnBus, Rule<TState, TCommand>[] rules)
        where TCommand : class, ICommand
    {
        ArgumentNullException.ThrowIfNull(rules);
        var errors = _builder.Model.Errors;
        if (AggregateCommand<TState, TCommand>.Create(typeof(TAggregate), _type.IdType, target, rules, errors) is { } command)
        {
            _type.Add(command, errors);
        }
        if (handlesOnBus)
        {
            _builder.AddAggregateHandler<TAggregate, TCommand>();
        }
        return this;
    }
}

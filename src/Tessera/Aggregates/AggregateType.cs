using System.Collections.Frozen;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Aggregates;

/// <summary>Everything known about one aggregate type once the application is configured.</summary>
internal abstract class AggregateType
{
    protected AggregateType(string category, Type aggregateClrType, Type idType)
    {
        Category = category;
        ClrType = aggregateClrType;
        IdType = idType;
    }

    public string Category { get; }

    public Type ClrType { get; }

    public Type IdType { get; }

    public int SnapshotEvery { get; set; }

    public int SnapshotSchema { get; set; } = 1;

    public abstract IEnumerable<Type> CommandTypes { get; }

    /// <summary>Checks the aggregate against the registered events: every event of its id type needs a <c>When</c>, and every <c>When</c> a registered event.</summary>
    public abstract void Validate(EventTypeRegistry registry, MessageSerializer serializer, List<string> errors);

    /// <summary>The id of the aggregate a command targets.</summary>
    public abstract IIdentity TargetOf(ICommand command);

    public abstract ValueTask<CommandResult> ExecuteAsync(AggregateFactory factory, IIdentity id, ICommand command, CommandContext context);
}

/// <summary>The outcome of running a command on a loaded state, before anything is appended.</summary>
internal readonly record struct Decision(CommandStatus Status, IReadOnlyList<RuleViolation>? Violations, IReadOnlyList<IEvent> Events, string? Reason, object? State = null);

internal sealed class AggregateType<TAggregate, TState> : AggregateType
    where TAggregate : Aggregate<TState>, new()
    where TState : class, new()
{
    private readonly Dictionary<Type, AggregateCommand<TState>> _building = [];
    private FrozenDictionary<Type, AggregateCommand<TState>>? _commands;

    public AggregateType(string category, Type idType, List<string> errors)
        : base(category, typeof(TAggregate), idType) =>
        When = StateWhenTable<TState>.Build(errors);

    public StateWhenTable<TState> When { get; }

    public override IEnumerable<Type> CommandTypes => _building.Keys;

    private FrozenDictionary<Type, AggregateCommand<TState>> Commands => _commands ??= _building.ToFrozenDictionary();

    public void Add(AggregateCommand<TState> command, List<string> errors)
    {
        if (!_building.TryAdd(command.CommandType, command))
        {
            errors.Add($"{typeof(TAggregate).Name} declares {command.CommandType.Name} twice.");
        }
    }

    public override IIdentity TargetOf(ICommand command) =>
        Commands.TryGetValue(command.GetType(), out var handling)
            ? handling.TargetOf(command)
            : throw new InvalidOperationException($"{typeof(TAggregate).Name} does not run {command.GetType().Name}; declare it in AddAggregate.");

    public override void Validate(EventTypeRegistry registry, MessageSerializer serializer, List<string> errors)
    {
        var eventInterface = typeof(IEvent<>).MakeGenericType(IdType);
        foreach (var type in registry.Types)
        {
            if (eventInterface.IsAssignableFrom(type) && !When.Handles(type))
            {
                errors.Add($"{typeof(TState).Name} has no 'When({type.Name})' method, but {type.Name} is an event of {typeof(TAggregate).Name} ({IdType.Name}).");
            }
        }
        foreach (var type in When.EventTypes)
        {
            if (!registry.TryGetName(type, out _))
            {
                errors.Add($"{typeof(TState).Name}.When({type.Name}) handles an event with no registered name.");
            }
        }
        if (SnapshotEvery > 0 && !serializer.CanSerialize(typeof(TState)))
        {
            errors.Add($"{typeof(TAggregate).Name} takes snapshots, but no registered JSON context covers {typeof(TState).Name}.");
        }
    }

    /// <summary>Runs a command on a loaded state: target check, state rules, then the aggregate's <c>When</c>. Pure.</summary>
    public Decision Decide(IIdentity id, TState state, StreamVersion version, ICommand command, DateTimeOffset now)
    {
        if (!Commands.TryGetValue(command.GetType(), out var handling))
        {
            throw new InvalidOperationException($"{typeof(TAggregate).Name} does not run {command.GetType().Name}; declare it in AddAggregate.");
        }
        var exists = version != StreamVersion.None;
        if (handling.Target == AggregateTarget.Existing && !exists)
        {
            return new Decision(CommandStatus.NotFound, null, [], $"{Category} {FormatId(id)} does not exist.");
        }
        if (handling.Target == AggregateTarget.New && exists)
        {
            return new Decision(CommandStatus.Conflict, null, [], $"{Category} {FormatId(id)} already exists.");
        }
        List<RuleViolation>? violations = null;
        handling.Check(state, command, ref violations);
        if (violations is not null)
        {
            return new Decision(CommandStatus.ValidationFailed, violations, [], null);
        }
        var aggregate = new TAggregate();
        aggregate.Begin(id, state, version, now, When);
        handling.Invoke(aggregate, command);
        return new Decision(CommandStatus.Accepted, null, aggregate.Raised, null, aggregate.State);
    }

    public override ValueTask<CommandResult> ExecuteAsync(AggregateFactory factory, IIdentity id, ICommand command, CommandContext context) =>
        factory.RunAsync(this, id, command, context);

    private static string FormatId(IIdentity id)
    {
        Span<char> buffer = stackalloc char[Identity.MaxLength];
        return id.TryFormat(buffer, out var written) ? new string(buffer[..written]) : "?";
    }
}

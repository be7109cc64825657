using Tessera.Messages;
using Tessera.Storage;

namespace Tessera.Aggregates;

/// <summary>The part of every aggregate that does not depend on its id type; derive from <see cref="Aggregate{TId, TState}"/>.</summary>
public abstract class Aggregate<TState>
    where TState : class, new()
{
    private StateWhenTable<TState>? _when;
    private List<IEvent>? _raised;

    private protected Aggregate()
    {
    }

    /// <summary>The state rebuilt from the aggregate's events, including those raised so far.</summary>
    public TState State { get; private set; } = new();

    /// <summary>The stream version the aggregate was loaded at, <see cref="StreamVersion.None"/> when new.</summary>
    public StreamVersion Version { get; private set; } = StreamVersion.None;

    /// <summary>When the command being run was accepted; use it instead of the clock so a retry decides the same way.</summary>
    protected DateTimeOffset Now { get; private set; }

    internal IReadOnlyList<IEvent> Raised => (IReadOnlyList<IEvent>?)_raised ?? [];

    internal void Begin(IIdentity id, TState state, StreamVersion version, DateTimeOffset now, StateWhenTable<TState> when)
    {
        SetId(id);
        State = state;
        Version = version;
        Now = now;
        _when = when;
        _raised = [];
    }

    private protected abstract void SetId(IIdentity id);

    private protected void RaiseEvent(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_when is null || _raised is null)
        {
            throw new InvalidOperationException("An aggregate raises events only while the aggregate factory runs a command on it.");
        }
        State = _when.Apply(State, e);
        _raised.Add(e);
    }
}

/// <summary>An event-sourced aggregate: it runs commands in <c>When(Command)</c> methods and raises events that its state's <c>When(Event)</c> methods apply.</summary>
public abstract class Aggregate<TId, TState> : Aggregate<TState>
    where TId : struct, IIdentity<TId>
    where TState : class, new()
{
    /// <summary>The aggregate's id.</summary>
    public TId Id { get; private set; }

    /// <summary>Raises an event: applies it to <see cref="Aggregate{TState}.State"/> and hands it to the factory to append.</summary>
    protected void Raise(IEvent<TId> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!e.Id.Equals(Id))
        {
            throw new InvalidOperationException($"{e.GetType().Name} carries id {e.Id}, but this aggregate is {Id}.");
        }
        RaiseEvent(e);
    }

    private protected override void SetId(IIdentity id) => Id = (TId)id;
}

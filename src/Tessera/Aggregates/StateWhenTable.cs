using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;
using Tessera.Messages;

namespace Tessera.Aggregates;

/// <summary>The <c>When(Event)</c> methods of a state type, compiled into delegates once at start-up.</summary>
internal sealed class StateWhenTable<TState>
    where TState : class
{
    private readonly FrozenDictionary<Type, Func<TState, IEvent, TState>> _table;

    private StateWhenTable(FrozenDictionary<Type, Func<TState, IEvent, TState>> table) => _table = table;

    public IReadOnlyCollection<Type> EventTypes => _table.Keys;

    public bool Handles(Type eventType) => _table.ContainsKey(eventType);

    public TState Apply(TState state, IEvent e) =>
        _table.TryGetValue(e.GetType(), out var when)
            ? when(state, e)
            : throw new InvalidOperationException($"{typeof(TState).Name} has no When({e.GetType().Name}) method.");

    /// <summary>Finds every public <c>TState When(TEvent)</c> method; malformed ones go into <paramref name="errors"/>.</summary>
    public static StateWhenTable<TState> Build(List<string> errors)
    {
        var table = new Dictionary<Type, Func<TState, IEvent, TState>>();
        var methods = typeof(TState).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        foreach (var method in methods)
        {
            if (method.Name != "When")
            {
                continue;
            }
            var parameters = method.GetParameters();
            if (parameters.Length != 1 || !typeof(IEvent).IsAssignableFrom(parameters[0].ParameterType) || method.ReturnType != typeof(TState))
            {
                errors.Add($"{typeof(TState).Name}.When must take one event and return {typeof(TState).Name}; {method} does not.");
                continue;
            }
            var eventType = parameters[0].ParameterType;
            // (state, e) => state.When((TEvent)e), compiled once: no reflection when events are applied.
            var state = Expression.Parameter(typeof(TState), "state");
            var e = Expression.Parameter(typeof(IEvent), "e");
            var call = Expression.Call(state, method, Expression.Convert(e, eventType));
            table[eventType] = Expression.Lambda<Func<TState, IEvent, TState>>(call, state, e).Compile();
        }
        return new StateWhenTable<TState>(table.ToFrozenDictionary());
    }
}

using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;
using Tessera.Messages;
using Tessera.Serialization;

namespace Tessera.Projections;

/// <summary>The <c>When(TEvent, TBatch)</c> methods of a projection, compiled into delegates once at start-up and keyed by stable event name.</summary>
internal sealed class ProjectionHandlers
{
    private readonly FrozenDictionary<string, Handler> _byName;

    private ProjectionHandlers(FrozenDictionary<string, Handler> byName, Type batchType)
    {
        _byName = byName;
        BatchType = batchType;
    }

    /// <summary>The batch type every handler takes.</summary>
    public Type BatchType { get; }

    public IReadOnlyCollection<string> EventNames => _byName.Keys;

    public bool TryGet(string eventName, out Handler handler) => _byName.TryGetValue(eventName, out handler!);

    /// <summary>Finds every public <c>When(TEvent, TBatch)</c>, static or not, returning Task or ValueTask; problems go into <paramref name="errors"/>.</summary>
    public static ProjectionHandlers Build(Type projectionType, EventTypeRegistry registry, List<string> errors)
    {
        var table = new Dictionary<string, Handler>(StringComparer.Ordinal);
        Type? batchType = null;
        foreach (var method in projectionType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            if (method.Name != "When")
            {
                continue;
            }
            var parameters = method.GetParameters();
            if (parameters.Length != 2 || !typeof(IEvent).IsAssignableFrom(parameters[0].ParameterType)
                || !typeof(ProjectionBatch).IsAssignableFrom(parameters[1].ParameterType)
                || (method.ReturnType != typeof(Task) && method.ReturnType != typeof(ValueTask)))
            {
                errors.Add($"{projectionType.Name}.When must take (an event, a ProjectionBatch) and return Task or ValueTask; {method} does not.");
                continue;
            }
            var eventType = parameters[0].ParameterType;
            var batch = parameters[1].ParameterType;
            if (batchType is not null && batchType != batch)
            {
                errors.Add($"{projectionType.Name} mixes batch types ({batchType.Name} and {batch.Name}); a projection writes one kind of read model.");
            }
            batchType ??= batch;
            if (!registry.TryGetName(eventType, out var name))
            {
                errors.Add($"{projectionType.Name} handles {eventType.Name}, which has no registered event name.");
                continue;
            }
            table[name] = new Handler(eventType, Compile(projectionType, method, eventType, batch));
        }
        if (table.Count == 0)
        {
            errors.Add($"{projectionType.Name} has no public When(event, batch) method, so it would handle no event.");
        }
        return new ProjectionHandlers(table.ToFrozenDictionary(StringComparer.Ordinal), batchType ?? typeof(ProjectionBatch));
    }

    private static Func<object, object, ProjectionBatch, ValueTask> Compile(Type projectionType, MethodInfo method, Type eventType, Type batchType)
    {
        // (p, e, b) => ((P)p).When((E)e, (B)b), compiled once: no reflection when events are applied.
        var p = Expression.Parameter(typeof(object), "p");
        var e = Expression.Parameter(typeof(object), "e");
        var b = Expression.Parameter(typeof(ProjectionBatch), "b");
        // A When may be static (most write only through the batch) or use the projection's own fields.
        Expression call = method.IsStatic
            ? Expression.Call(method, Expression.Convert(e, eventType), Expression.Convert(b, batchType))
            : Expression.Call(Expression.Convert(p, projectionType), method, Expression.Convert(e, eventType), Expression.Convert(b, batchType));
        if (method.ReturnType == typeof(Task))
        {
            call = Expression.New(typeof(ValueTask).GetConstructor([typeof(Task)])!, call);
        }
        return Expression.Lambda<Func<object, object, ProjectionBatch, ValueTask>>(call, p, e, b).Compile();
    }

    /// <summary>One compiled handler and the CLR type its event deserializes into.</summary>
    internal sealed record Handler(Type EventType, Func<object, object, ProjectionBatch, ValueTask> Invoke);
}

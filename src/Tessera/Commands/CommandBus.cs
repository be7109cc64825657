using System.Collections.Frozen;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>Sends a command through its pipeline (authorization, validation, signature, idempotency, execution) to its one handler.</summary>
public sealed class CommandBus
{
    private readonly FrozenDictionary<nint, Route> _routes;
    private readonly FrozenDictionary<string, Type> _byName;
    private readonly TimeProvider _time;
    private readonly CommandMetrics? _metrics;

    internal CommandBus(IReadOnlyCollection<CommandDescriptor> commands, IReadOnlyList<(ICommandStep Step, CommandStage Before)> customSteps, IServiceProvider services, TimeProvider time, CommandMetrics? metrics)
    {
        _time = time;
        _metrics = metrics;
        var routes = new Dictionary<nint, Route>();
        foreach (var descriptor in commands)
        {
            // Only the application's own code (its steps and handlers) may read the context's time and id before the
            // aggregate factory fixes them; without any, the dispatch needs no stamp at all.
            var stamped = customSteps.Count > 0 || descriptor.HasOwnHandler(services);
            routes.Add(descriptor.CommandType.TypeHandle.Value, new Route(descriptor.Name, descriptor.Compose(customSteps, services), stamped));
        }
        _routes = routes.ToFrozenDictionary();
        _byName = commands.ToFrozenDictionary(c => c.Name, c => c.CommandType, StringComparer.Ordinal);
    }

    /// <summary>The stable names of every declared command and their types.</summary>
    public IReadOnlyDictionary<string, Type> Commands => _byName;

    /// <summary>Runs a command and says what happened; an undeclared command type throws <see cref="UnknownCommandException"/>.</summary>
    public ValueTask<CommandResult> SendAsync(ICommand command, CommandContext context = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        // Keyed by type handle: hashing a pointer is cheaper than hashing a Type.
        if (!_routes.TryGetValue(command.GetType().TypeHandle.Value, out var route))
        {
            throw new UnknownCommandException(command.GetType());
        }
        return _metrics is { Counting: true } ? SendMeasured(route, command, in context) : Send(route, command, in context);
    }

    private ValueTask<CommandResult> Send(Route route, ICommand command, in CommandContext context)
    {
        if (!route.Stamped)
        {
            return route.Pipeline.RunAsync(command, context.ForDispatch(route.Name, null, 0));
        }
        var stamp = CommandStamp.Take(_time, out var generation);
        var pending = route.Pipeline.RunAsync(command, context.ForDispatch(route.Name, stamp, generation));
        if (pending.IsCompleted)
        {
            stamp.Release();
        }
        return pending;
    }

    private ValueTask<CommandResult> SendMeasured(Route route, ICommand command, in CommandContext context)
    {
        var startedAt = _metrics!.Timing ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        var pending = Send(route, command, in context);
        if (pending.IsCompletedSuccessfully)
        {
            _metrics.Record(route.Name, pending.Result.Status, startedAt);
            return pending;
        }
        return RecordWhenDoneAsync(pending, route.Name, startedAt);
    }

    private async ValueTask<CommandResult> RecordWhenDoneAsync(ValueTask<CommandResult> pending, string name, long startedAt)
    {
        var result = await pending;
        _metrics!.Record(name, result.Status, startedAt);
        return result;
    }

    private sealed record Route(string Name, PipelineNode Pipeline, bool Stamped);
}

/// <summary>A command type that was never declared with <c>builder.Command&lt;T&gt;(name)</c>.</summary>
public sealed class UnknownCommandException : Exception
{
    /// <summary>Creates the exception for the given command type.</summary>
    public UnknownCommandException(Type commandType)
        : base($"{commandType.FullName} is not a declared command; declare it with builder.Command<{commandType.Name}>(\"...\") and give it one handler.") =>
        CommandType = commandType;

    /// <summary>The undeclared command type.</summary>
    public Type CommandType { get; }
}

using System.Collections.Frozen;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>Sends a command through its pipeline (authorization, validation, signature, idempotency, execution) to its one handler.</summary>
public sealed class CommandBus
{
    private readonly FrozenDictionary<Type, Route> _routes;
    private readonly FrozenDictionary<string, Type> _byName;
    private readonly TimeProvider _time;

    internal CommandBus(IReadOnlyCollection<CommandDescriptor> commands, IReadOnlyList<(ICommandStep Step, CommandStage Before)> customSteps, IServiceProvider services, TimeProvider time)
    {
        _time = time;
        var routes = new Dictionary<Type, Route>();
        foreach (var descriptor in commands)
        {
            routes.Add(descriptor.CommandType, new Route(descriptor.Name, Compose(descriptor, customSteps, services)));
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
        if (!_routes.TryGetValue(command.GetType(), out var route))
        {
            throw new UnknownCommandException(command.GetType());
        }
        var time = context.Time == default ? _time.GetUtcNow() : context.Time;
        var fresh = context.CommandId == Guid.Empty;
        var commandId = fresh ? CommandIds.New(time) : context.CommandId;
        context = context with
        {
            CommandId = commandId,
            HasFreshId = fresh,
            CorrelationId = context.CorrelationId == Guid.Empty ? commandId : context.CorrelationId,
            Time = time,
            CommandName = route.Name,
            VerifiedSignature = null,
        };
        return route.Pipeline(command, context);
    }

    private static CommandDelegate Compose(CommandDescriptor descriptor, IReadOnlyList<(ICommandStep Step, CommandStage Before)> customSteps, IServiceProvider services)
    {
        var steps = new List<ICommandStep>();
        foreach (var stage in Enum.GetValues<CommandStage>())
        {
            foreach (var (step, before) in customSteps)
            {
                if (before == stage)
                {
                    steps.Add(step);
                }
            }
            if (descriptor.CreateStep(stage, services) is { } builtIn)
            {
                steps.Add(builtIn);
            }
        }
        // Composed once: each step's "next" is a delegate built here, so a dispatch allocates no closures.
        var pipeline = descriptor.CreateTerminal(services);
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            var step = steps[i];
            var next = pipeline;
            pipeline = (command, context) => step.InvokeAsync(command, context, next);
        }
        return pipeline;
    }

    private sealed record Route(string Name, CommandDelegate Pipeline);
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

using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>What the application declared about one command type: its stable name, rules, signature and authorization.</summary>
internal abstract class CommandDescriptor(string name, Type commandType)
{
    public string Name { get; } = name;

    public Type CommandType { get; } = commandType;

    /// <summary>The id type the command targets, if it implements <see cref="ICommand{TId}"/>.</summary>
    public Type? TargetIdType { get; } = FindTargetIdType(commandType);

    public CommandTarget? Target { get; set; }

    public abstract bool RequiresSignature { get; }

    public abstract int CountHandlers(IServiceCollection services);

    /// <summary>Adds every rule on the command alone that it violates to <paramref name="violations"/>.</summary>
    public abstract void CheckRules(ICommand command, ref List<RuleViolation>? violations);

    /// <summary>Composes the command type's pipeline: custom steps where declared, the built-in steps that have work for it, the handler.</summary>
    public abstract PipelineNode Compose(IReadOnlyList<(ICommandStep Step, CommandStage Before)> customSteps, IServiceProvider services);

    /// <summary>True when the handler is the application's own (not the aggregate factory), so it may read the context's time and id.</summary>
    public abstract bool HasOwnHandler(IServiceProvider services);

    private static Type? FindTargetIdType(Type commandType)
    {
        foreach (var i in commandType.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>))
            {
                return i.GetGenericArguments()[0];
            }
        }
        return null;
    }
}

internal sealed class CommandDescriptor<TCommand>(string name) : CommandDescriptor(name, typeof(TCommand))
    where TCommand : class, ICommand
{
    public List<Rule<TCommand>> Rules { get; } = [];

    public List<Func<ClaimsPrincipal, TCommand, bool>> Permissions { get; } = [];

    public List<string> Roles { get; } = [];

    public Func<TCommand, bool>? SignatureWhen { get; set; }

    public List<string> SignatureMeanings { get; } = [];

    public override bool RequiresSignature => SignatureWhen is not null;

    public override int CountHandlers(IServiceCollection services)
    {
        var count = 0;
        foreach (var service in services)
        {
            if (service.ServiceType == typeof(ICommandHandler<TCommand>))
            {
                count++;
            }
        }
        return count;
    }

    public override void CheckRules(ICommand command, ref List<RuleViolation>? violations)
    {
        var typed = (TCommand)command;
        foreach (var rule in Rules)
        {
            if (!rule.Holds(typed))
            {
                (violations ??= []).Add(rule.Violation);
            }
        }
    }

    public override bool HasOwnHandler(IServiceProvider services) => services.GetRequiredService<ICommandHandler<TCommand>>() is not IBuiltInCommandHandler;

    public override PipelineNode Compose(IReadOnlyList<(ICommandStep Step, CommandStage Before)> customSteps, IServiceProvider services)
    {
        // Built from the end: the handler, then each stage's built-in step, with custom steps in front of the stage they name.
        PipelineNode pipeline = new HandlerNode<TCommand>(services.GetRequiredService<ICommandHandler<TCommand>>());
        var stages = Enum.GetValues<CommandStage>();
        var segmentEnd = CommandStage.Execution;
        for (var s = stages.Length - 1; s >= 0; s--)
        {
            var stage = stages[s];
            var custom = CustomStepsBefore(stage, customSteps);
            if (custom.Count == 0 && stage != CommandStage.Authorization)
            {
                continue;
            }
            pipeline = BuiltIns(stage, segmentEnd, pipeline, services);
            for (var i = custom.Count - 1; i >= 0; i--)
            {
                pipeline = new CustomStepNode(custom[i], pipeline);
            }
            segmentEnd = stage;
        }
        return pipeline;
    }

    private static List<ICommandStep> CustomStepsBefore(CommandStage stage, IReadOnlyList<(ICommandStep Step, CommandStage Before)> customSteps)
    {
        var steps = new List<ICommandStep>();
        foreach (var (step, before) in customSteps)
        {
            if (before == stage)
            {
                steps.Add(step);
            }
        }
        return steps;
    }

    /// <summary>One link for the built-in steps of the stages from <paramref name="from"/> up to (not including) <paramref name="to"/>, or <paramref name="next"/> alone when none of them has work.</summary>
    private PipelineNode BuiltIns(CommandStage from, CommandStage to, PipelineNode next, IServiceProvider services)
    {
        bool Covers(CommandStage stage) => stage >= from && stage < to;
        var node = new BuiltInStepsNode<TCommand>(
            Covers(CommandStage.Authorization) ? new Steps.AuthorizationStep<TCommand>(this) : null,
            Covers(CommandStage.Validation) && Rules.Count > 0 ? new Steps.RuleValidationStep<TCommand>([.. Rules]) : null,
            Covers(CommandStage.Signature) && SignatureWhen is not null ? new Steps.SignatureStep<TCommand>(this, services) : null,
            Covers(CommandStage.Idempotency) && Target is not null ? new Steps.IdempotencyStep(Target, services) : null,
            next);
        return node.IsEmpty ? next : node;
    }
}

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

    public abstract CommandDelegate CreateTerminal(IServiceProvider services);

    public abstract ICommandStep? CreateStep(CommandStage stage, IServiceProvider services);

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

    public override CommandDelegate CreateTerminal(IServiceProvider services)
    {
        var handler = services.GetRequiredService<ICommandHandler<TCommand>>();
        return (command, context) => handler.HandleAsync((TCommand)command, context);
    }

    public override ICommandStep? CreateStep(CommandStage stage, IServiceProvider services) => stage switch
    {
        CommandStage.Authorization => new Steps.AuthorizationStep<TCommand>(this),
        CommandStage.Validation when Rules.Count > 0 => new Steps.RuleValidationStep<TCommand>([.. Rules]),
        CommandStage.Signature when SignatureWhen is not null => new Steps.SignatureStep<TCommand>(this, services),
        CommandStage.Idempotency when Target is not null => new Steps.IdempotencyStep(Target, services),
        _ => null,
    };
}

using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Storage;

namespace Tessera;

/// <summary>Declares an application's events, commands, aggregates, handlers and steps; everything is checked once at start-up.</summary>
public sealed class TesseraBuilder
{
    internal TesseraBuilder(TesseraModel model)
    {
        Model = model;
        Events = new EventTypes(model);
    }

    /// <summary>The service collection, for registrations of the application's own.</summary>
    public IServiceCollection Services => Model.Services;

    /// <summary>The stable names of the application's events.</summary>
    public EventTypes Events { get; }

    /// <summary>The core's settings.</summary>
    public TesseraOptions Options => Model.Options;

    internal TesseraModel Model { get; }

    /// <summary>Declares a command under its stable name; it then needs exactly one handler.</summary>
    public CommandBuilder<TCommand> Command<TCommand>(string name)
        where TCommand : class, ICommand
    {
        if (!EventTypeRegistryNames.IsValid(name))
        {
            Model.Errors.Add($"{typeof(TCommand).Name} has the command name '{name}'; a name is 1 to 200 characters with no spaces.");
        }
        if (Model.Commands.Any(c => c.CommandType == typeof(TCommand)))
        {
            Model.Errors.Add($"{typeof(TCommand).Name} is declared twice.");
        }
        var descriptor = new CommandDescriptor<TCommand>(name);
        Model.Commands.Add(descriptor);
        return new CommandBuilder<TCommand>(descriptor);
    }

    /// <summary>Registers an aggregate with its stream category and the commands it runs.</summary>
    public TesseraBuilder AddAggregate<TAggregate, TState>(string category, Action<AggregateBuilder<TAggregate, TState>> configure)
        where TAggregate : Aggregate<TState>, new()
        where TState : class, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (string.IsNullOrWhiteSpace(category) || category.Contains('-', StringComparison.Ordinal) || category.StartsWith('$'))
        {
            Model.Errors.Add($"{typeof(TAggregate).Name} has the category '{category}'; a category is a non-empty word without '-' and not starting with '$'.");
        }
        var idType = FindIdType(typeof(TAggregate));
        var type = new AggregateType<TAggregate, TState>(category, idType, Model.Errors);
        Model.Aggregates.Add(type);
        configure(new AggregateBuilder<TAggregate, TState>(this, type));
        return this;
    }

    /// <summary>Registers the one handler of a command (a singleton).</summary>
    public TesseraBuilder AddCommandHandler<TCommand, THandler>()
        where TCommand : class, ICommand
        where THandler : class, ICommandHandler<TCommand>
    {
        Services.AddSingleton<ICommandHandler<TCommand>, THandler>();
        Model.HandledCommands.Add(typeof(TCommand));
        return this;
    }

    /// <summary>Adds a step of the application's own to every command's pipeline, before the given stage.</summary>
    public TesseraBuilder AddStep<TStep>(CommandStage before = CommandStage.Execution)
        where TStep : class, ICommandStep
    {
        Services.TryAddSingleton<TStep>();
        Model.Steps.Add((typeof(TStep), before));
        return this;
    }

    /// <summary>Adds JSON metadata for the application's messages, usually a source-generated JsonSerializerContext.</summary>
    public TesseraBuilder AddJson(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        Model.JsonResolvers.Add(resolver);
        return this;
    }

    /// <summary>Uses this verifier for commands that require an electronic signature.</summary>
    public TesseraBuilder UseSignatureVerifier<TVerifier>()
        where TVerifier : class, ISignatureVerifier
    {
        Services.AddSingleton<ISignatureVerifier, TVerifier>();
        return this;
    }

    /// <summary>Uses this verifier instance for commands that require an electronic signature.</summary>
    public TesseraBuilder UseSignatureVerifier(ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        Services.AddSingleton(verifier);
        return this;
    }

    /// <summary>Keeps events in memory: for tests only, everything is lost when the process ends.</summary>
    public TesseraBuilder UseInMemoryStore()
    {
        Services.AddSingleton<IEventStore, InMemoryEventStore>();
        return this;
    }

    /// <summary>Adds a projection (a singleton), run by a background runner (async) or before each command's ack (inline).</summary>
    public TesseraBuilder AddProjection<TProjection>(ProjectionMode mode = ProjectionMode.Async)
        where TProjection : class, IProjection
    {
        Services.TryAddSingleton<TProjection>();
        Model.Projections.Add((typeof(TProjection), mode));
        return this;
    }

    /// <summary>Declares a query under its stable name, for example "shop.get-order-summary"; it then needs exactly one handler.</summary>
    public QueryBuilder Query<TQuery>(string name)
        where TQuery : class, IQuery
    {
        if (!EventTypeRegistryNames.IsValid(name))
        {
            Model.Errors.Add($"{typeof(TQuery).Name} has the query name '{name}'; a name is 1 to 200 characters with no spaces.");
        }
        if (Model.Queries.Any(q => q.QueryType == typeof(TQuery)))
        {
            Model.Errors.Add($"{typeof(TQuery).Name} is declared twice.");
        }
        var resultType = QueryDescriptor.FindResultType(typeof(TQuery));
        if (resultType is null)
        {
            Model.Errors.Add($"{typeof(TQuery).Name} must implement IQuery<TResult>.");
            resultType = typeof(object);
        }
        var descriptorType = typeof(QueryDescriptor<,>).MakeGenericType(typeof(TQuery), resultType);
        var descriptor = (QueryDescriptor)Activator.CreateInstance(descriptorType, name)!;
        Model.Queries.Add(descriptor);
        return new QueryBuilder(descriptor);
    }

    /// <summary>Registers a query handler (a singleton) for every <see cref="IQueryHandler{TQuery, TResult}"/> it implements.</summary>
    public TesseraBuilder AddQueryHandler<THandler>()
        where THandler : class
    {
        var found = false;
        foreach (var contract in typeof(THandler).GetInterfaces())
        {
            if (contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IQueryHandler<,>))
            {
                Services.TryAddSingleton<THandler>();
                Services.AddSingleton(contract, sp => sp.GetRequiredService<THandler>());
                Model.HandledQueries.Add(contract.GetGenericArguments()[0]);
                found = true;
            }
        }
        if (!found)
        {
            Model.Errors.Add($"{typeof(THandler).Name} is added as a query handler but implements no IQueryHandler<TQuery, TResult>.");
        }
        return this;
    }

    /// <summary>Keeps read models in memory: for tests only, everything is lost when the process ends.</summary>
    public TesseraBuilder UseInMemoryReadModels()
    {
        Services.AddSingleton<IReadModelStore, InMemoryReadModelStore>();
        return this;
    }

    internal void AddAggregateHandler<TAggregate, TCommand>()
        where TAggregate : class
        where TCommand : class, ICommand
    {
        Services.AddSingleton<ICommandHandler<TCommand>, AggregateCommandHandler<TAggregate, TCommand>>();
        Model.HandledCommands.Add(typeof(TCommand));
    }

    private Type FindIdType(Type aggregateType)
    {
        for (var t = aggregateType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Aggregate<,>))
            {
                return t.GetGenericArguments()[0];
            }
        }
        Model.Errors.Add($"{aggregateType.Name} must derive from Aggregate<TId, TState>.");
        return typeof(void);
    }
}

/// <summary>Registers the stable names of event types.</summary>
public sealed class EventTypes
{
    private readonly TesseraModel _model;

    internal EventTypes(TesseraModel model) => _model = model;

    /// <summary>Stores <typeparamref name="TEvent"/> under <paramref name="name"/>, for example "shop.order-paid.v1".</summary>
    public EventTypes Add<TEvent>(string name)
        where TEvent : class, IEvent
    {
        _model.Events.Add(new(name, typeof(TEvent)));
        return this;
    }
}

internal static class EventTypeRegistryNames
{
    public static bool IsValid(string name) => Serialization.EventTypeRegistry.IsValidName(name);
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>The read side as the model declared it, checked at start-up.</summary>
internal sealed record CompiledReadSide(IReadOnlyList<(Type Type, ProjectionMode Mode, ProjectionHandlers Handlers)> Projections, IReadOnlyList<QueryDescriptor> Queries);

/// <summary>Registers the read side's runtime services: runners, the hosted service, admin, metrics and the query bus.</summary>
internal static class ReadSideServices
{
    public static void Add(IServiceCollection services, TesseraModel model)
    {
        // A module registered earlier (a remote source such as NATS) wins over the process's own store.
        services.TryAddSingleton<IProjectionEventSource>(sp => new StoreEventSource(sp.GetRequiredService<IEventStore>()));
        services.AddSingleton(sp => BuildRunners(sp, model));
        services.AddSingleton(sp => new ProjectionAdmin(sp.GetRequiredService<ProjectionRunners>(), sp.GetRequiredService<IProjectionEventSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ProjectionMetrics(sp.GetRequiredService<CommandMetrics>(), sp.GetRequiredService<ProjectionRunners>()));
        services.AddSingleton(sp => BuildQueryBus(sp, model));
        services.AddHostedService(sp => new ProjectionHostedService(sp.GetRequiredService<ProjectionRunners>(), sp.GetRequiredService<QueryBus>(), sp.GetRequiredService<ProjectionMetrics>()));
        if (model.Projections.Any(p => p.Mode == ProjectionMode.Inline))
        {
            services.TryAddSingleton(sp => new InlineProjectionStep(
                sp.GetRequiredService<ProjectionRunners>(),
                model.Options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<InlineProjectionStep>>() ?? NullLogger<InlineProjectionStep>.Instance));
            model.Steps.Add((typeof(InlineProjectionStep), CommandStage.Execution));
        }
    }

    private static ProjectionRunners BuildRunners(IServiceProvider sp, TesseraModel model)
    {
        _ = sp.GetRequiredService<CompiledModel>();
        var read = model.ReadSide!;
        if (read.Projections.Count == 0)
        {
            return new ProjectionRunners([]);
        }
        var store = sp.GetRequiredService<IReadModelStore>();
        var errors = new List<string>();
        var names = new Dictionary<string, Type>(StringComparer.Ordinal);
        var definitions = new List<ProjectionDefinition>();
        foreach (var (type, mode, handlers) in read.Projections)
        {
            var instance = (IProjection)sp.GetRequiredService(type);
            var name = instance.Name;
            if (!ProjectionDefinition.IsValidName(name))
            {
                errors.Add($"{type.Name} has the name '{name}'; a projection name is 1 to 100 of a-z, 0-9, '.', '-' and '_', with a version suffix such as '.v1'.");
            }
            else if (names.TryGetValue(name, out var other))
            {
                errors.Add($"The projection name '{name}' is given to both {other.Name} and {type.Name}.");
            }
            names[name] = type;
            if (!handlers.BatchType.IsAssignableFrom(store.BatchType))
            {
                errors.Add($"{type.Name} writes through {handlers.BatchType.Name}, but the configured read models hand out {store.BatchType.Name}.");
            }
            definitions.Add(new ProjectionDefinition(name, type, mode, instance, handlers));
        }
        if (errors.Count > 0)
        {
            throw new TesseraConfigurationException(errors);
        }
        var loggers = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var settings = new ProjectionRunnerSettings(model.Options.ProjectionBatchSize, sp.GetRequiredService<TimeProvider>(), loggers.CreateLogger<ProjectionRunner>());
        var reader = sp.GetRequiredService<IProjectionEventSource>();
        var serializer = sp.GetRequiredService<MessageSerializer>();
        return new ProjectionRunners([.. definitions.Select(d => new ProjectionRunner(d, store, reader, serializer, settings))]);
    }

    private static QueryBus BuildQueryBus(IServiceProvider sp, TesseraModel model)
    {
        var runners = sp.GetRequiredService<ProjectionRunners>();
        var read = model.ReadSide!;
        if (read.Queries.Count == 0)
        {
            return new QueryBus([]);
        }
        var store = sp.GetRequiredService<IReadModelStore>();
        var settings = new QueryBusSettings(model.Options.ConsistencyWait, model.Options.QueryCacheEntries, sp.GetRequiredService<TimeProvider>());
        return new QueryBus(read.Queries.Select(q => q.CreateRoute(sp, store, [.. q.Projections.Select(t => runners.ByType[t])], settings)));
    }
}

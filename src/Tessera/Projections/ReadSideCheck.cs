using Microsoft.Extensions.DependencyInjection;
using Tessera.Queries;
using Tessera.Serialization;

namespace Tessera.Projections;

/// <summary>The start-up checks of the read side: every projection's handlers, every query's one handler and projections.</summary>
internal static class ReadSideCheck
{
    public static CompiledReadSide Check(TesseraModel model, EventTypeRegistry registry, List<string> errors)
    {
        var projections = new List<(Type, ProjectionMode, ProjectionHandlers)>();
        foreach (var group in model.Projections.GroupBy(p => p.Type))
        {
            if (group.Count() > 1)
            {
                errors.Add($"{group.Key.Name} is added as a projection {group.Count()} times.");
            }
            projections.Add((group.Key, group.First().Mode, ProjectionHandlers.Build(group.Key, registry, errors)));
        }
        var hasStore = model.Services.Any(s => s.ServiceType == typeof(IReadModelStore));
        if ((projections.Count > 0 || model.Queries.Count > 0) && !hasStore)
        {
            errors.Add("Projections or queries are declared but no read models are configured; use the SQLite read models, or builder.UseInMemoryReadModels() for tests.");
        }
        CheckQueries(model, errors);
        return new CompiledReadSide(projections, model.Queries);
    }

    private static void CheckQueries(TesseraModel model, List<string> errors)
    {
        var names = new Dictionary<string, Type>(StringComparer.Ordinal);
        var projectionTypes = model.Projections.Select(p => p.Type).ToHashSet();
        foreach (var query in model.Queries)
        {
            if (names.TryGetValue(query.Name, out var other))
            {
                errors.Add($"The query name '{query.Name}' is given to both {other.Name} and {query.QueryType.Name}.");
            }
            names[query.Name] = query.QueryType;
            var handlers = query.CountHandlers(model.Services);
            if (handlers != 1)
            {
                errors.Add($"{query.QueryType.Name} ('{query.Name}') has {(handlers == 0 ? "no handler" : $"{handlers} handlers; it needs exactly one")}.");
            }
            if (query.Projections.Count == 0)
            {
                errors.Add($"{query.QueryType.Name} ('{query.Name}') reads no projection; declare the ones it reads with .Reads<TProjection>().");
            }
            foreach (var projection in query.Projections.Where(p => !projectionTypes.Contains(p)))
            {
                errors.Add($"{query.QueryType.Name} ('{query.Name}') reads {projection.Name}, which is not added as a projection.");
            }
        }
        var declared = model.Queries.Select(q => q.QueryType).ToHashSet();
        foreach (var handled in model.HandledQueries.Distinct().Where(h => !declared.Contains(h)))
        {
            errors.Add($"{handled.Name} has a handler but is not declared; declare it with builder.Query<{handled.Name}>(\"...\").");
        }
    }
}

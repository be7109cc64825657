using Microsoft.Extensions.DependencyInjection;
using Tessera.Projections;

namespace Tessera.Queries;

/// <summary>What the application declared about one query type: its stable name, result type and projections.</summary>
internal abstract class QueryDescriptor(string name, Type queryType, Type resultType)
{
    public string Name { get; } = name;

    public Type QueryType { get; } = queryType;

    public Type ResultType { get; } = resultType;

    public List<Type> Projections { get; } = [];

    public bool Cached { get; set; } = true;

    public int CountHandlers(IServiceCollection services)
    {
        var handlerType = typeof(IQueryHandler<,>).MakeGenericType(QueryType, ResultType);
        return services.Count(s => s.ServiceType == handlerType);
    }

    public abstract QueryRoute CreateRoute(IServiceProvider services, IReadModelStore store, IReadOnlyList<ProjectionRunner> runners, QueryBusSettings settings);

    /// <summary>The <c>TResult</c> of the <see cref="IQuery{TResult}"/> a type implements, or null.</summary>
    public static Type? FindResultType(Type queryType)
    {
        foreach (var i in queryType.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IQuery<>))
            {
                return i.GetGenericArguments()[0];
            }
        }
        return null;
    }
}

internal sealed class QueryDescriptor<TQuery, TResult>(string name) : QueryDescriptor(name, typeof(TQuery), typeof(TResult))
    where TQuery : class, IQuery<TResult>
{
    public override QueryRoute CreateRoute(IServiceProvider services, IReadModelStore store, IReadOnlyList<ProjectionRunner> runners, QueryBusSettings settings) =>
        new QueryRoute<TQuery, TResult>(this, services.GetRequiredService<IQueryHandler<TQuery, TResult>>(), store, runners, settings);
}

/// <summary>Declares which projections a query reads, and whether its answers are cached.</summary>
public sealed class QueryBuilder
{
    private readonly QueryDescriptor _descriptor;

    internal QueryBuilder(QueryDescriptor descriptor) => _descriptor = descriptor;

    /// <summary>The query reads the tables of <typeparamref name="TProjection"/>: it waits for it on a consistency token, and its cache follows it.</summary>
    public QueryBuilder Reads<TProjection>()
        where TProjection : class, IProjection
    {
        _descriptor.Projections.Add(typeof(TProjection));
        return this;
    }

    /// <summary>Answers are read afresh every time instead of from the local cache.</summary>
    public QueryBuilder NotCached()
    {
        _descriptor.Cached = false;
        return this;
    }
}

/// <summary>How the bus waits and caches.</summary>
internal sealed record QueryBusSettings(TimeSpan ConsistencyWait, int CacheEntries, TimeProvider Time);

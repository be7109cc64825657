using System.Collections.Frozen;
using Tessera.Storage;

namespace Tessera.Queries;

/// <summary>Answers queries: waits for a consistency token within a bound, serves from the local cache, else asks the query's one handler.</summary>
public sealed class QueryBus
{
    private readonly FrozenDictionary<Type, QueryRoute> _routes;
    private readonly FrozenDictionary<string, QueryInfo> _byName;

    internal QueryBus(IEnumerable<QueryRoute> routes)
    {
        var list = routes.ToList();
        _routes = list.ToFrozenDictionary(r => r.Info.QueryType);
        _byName = list.ToFrozenDictionary(r => r.Info.Name, r => r.Info, StringComparer.Ordinal);
    }

    /// <summary>Every declared query by its stable name (for example "shop.get-order-summary").</summary>
    public IReadOnlyDictionary<string, QueryInfo> Queries => _byName;

    /// <summary>Finds a query by its stable name.</summary>
    public bool TryGetQuery(string name, out QueryInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>
    /// Answers a query. With <paramref name="minPosition"/> (a command's consistency token) it first waits, within the
    /// configured bound, until every projection behind the query has passed it, and answers NotYetConsistent past the bound.
    /// </summary>
    public ValueTask<QueryResult<TResult>> QueryAsync<TResult>(IQuery<TResult> query, GlobalPosition? minPosition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!_routes.TryGetValue(query.GetType(), out var route))
        {
            throw new UnknownQueryException(query.GetType());
        }
        return ((QueryRoute<TResult>)route).RunAsync(query, minPosition, cancellationToken);
    }

    /// <summary>Answers a query whose type is known only at run time (for example bound from an HTTP request).</summary>
    public ValueTask<QueryResult<object?>> QueryUntypedAsync(object query, GlobalPosition? minPosition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!_routes.TryGetValue(query.GetType(), out var route))
        {
            throw new UnknownQueryException(query.GetType());
        }
        return route.RunUntypedAsync(query, minPosition, cancellationToken);
    }
}

/// <summary>A query type that was never declared with <c>builder.Query&lt;T&gt;(name)</c>.</summary>
public sealed class UnknownQueryException : Exception
{
    /// <summary>Creates the exception for the given query type.</summary>
    public UnknownQueryException(Type queryType)
        : base($"{queryType.FullName} is not a declared query; declare it with builder.Query<{queryType.Name}>(\"...\") and give it one handler.") =>
        QueryType = queryType;

    /// <summary>The undeclared query type.</summary>
    public Type QueryType { get; }
}

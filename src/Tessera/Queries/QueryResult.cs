using Tessera.Storage;

namespace Tessera.Queries;

/// <summary>What the bus answers: the value, nothing found, or "not yet consistent" when a consistency token was not reached in time.</summary>
public readonly struct QueryResult<T>
{
    internal QueryResult(QueryStatus status, T? value, GlobalPosition reached)
    {
        Status = status;
        Value = value;
        Reached = reached;
    }

    /// <summary>Which kind of answer this is.</summary>
    public QueryStatus Status { get; }

    /// <summary>The answer when <see cref="Status"/> is Ok; default otherwise.</summary>
    public T? Value { get; }

    /// <summary>When not yet consistent: the lowest position the projections behind the query had reached.</summary>
    public GlobalPosition Reached { get; }

    /// <summary>True when <see cref="Value"/> holds an answer.</summary>
    public bool IsOk => Status == QueryStatus.Ok;

    /// <summary>The same answer with its value as an object.</summary>
    public QueryResult<object?> Untyped() => new(Status, Value, Reached);

}

/// <summary>Makes <see cref="QueryResult{T}"/> values.</summary>
public static class QueryResult
{
    /// <summary>An answer (a null answer is <see cref="QueryStatus.NotFound"/>).</summary>
    public static QueryResult<T> Ok<T>(T? value) => new(value is null ? QueryStatus.NotFound : QueryStatus.Ok, value, default);

    /// <summary>The projections did not reach the position asked for within the bound; no data is given.</summary>
    public static QueryResult<T> NotYetConsistent<T>(GlobalPosition reached) => new(QueryStatus.NotYetConsistent, default, reached);
}

/// <summary>The kinds of <see cref="QueryResult{T}"/>.</summary>
public enum QueryStatus
{
    /// <summary>The query was answered.</summary>
    Ok,

    /// <summary>The query was answered with nothing (its handler returned null).</summary>
    NotFound,

    /// <summary>The projections behind the query did not reach the consistency token within the bound.</summary>
    NotYetConsistent,
}

/// <summary>A declared query: its stable name, types and the projections behind it.</summary>
/// <param name="Name">The stable name, for example "shop.get-order-summary".</param>
/// <param name="QueryType">The query record type (HTTP binds query parameters into it).</param>
/// <param name="ResultType">The type of its answer.</param>
/// <param name="Projections">The names of the projections it reads.</param>
/// <param name="Cached">Whether answers are kept in the local cache.</param>
public sealed record QueryInfo(string Name, Type QueryType, Type ResultType, IReadOnlyList<string> Projections, bool Cached);

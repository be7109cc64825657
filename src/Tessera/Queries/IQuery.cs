using System.Data.Common;
using Tessera.Projections;

namespace Tessera.Queries;

/// <summary>A question to the read side.</summary>
public interface IQuery;

/// <summary>A question answered by a <typeparamref name="TResult"/>, a flat DTO made for one screen or partner.</summary>
public interface IQuery<TResult> : IQuery;

/// <summary>The one handler of a query: a single read against the read models, never the event store.</summary>
public interface IQueryHandler<in TQuery, TResult>
    where TQuery : IQuery<TResult>
{
    /// <summary>Answers the query.</summary>
    ValueTask<TResult> HandleAsync(TQuery query, QueryContext context);
}

/// <summary>What a query handler reads from: the serving tables of the projections behind its query.</summary>
public readonly struct QueryContext
{
    private readonly IReadModelStore _store;
    private readonly string _projection;

    internal QueryContext(IReadModelStore store, string projection, CancellationToken cancellationToken)
    {
        _store = store;
        _projection = projection;
        CancellationToken = cancellationToken;
    }

    /// <summary>Cancels the query.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Opens a read connection to the serving tables of the query's (first) projection; dispose it after use.</summary>
    public ValueTask<DbConnection> OpenConnectionAsync() => _store.OpenReadConnectionAsync(_projection, CancellationToken);

    /// <summary>Opens a read connection to the serving tables of the named projection.</summary>
    public ValueTask<DbConnection> OpenConnectionAsync(string projection) => _store.OpenReadConnectionAsync(projection, CancellationToken);

    /// <summary>The committed tables of the query's projection, when it lives in the in-memory read models.</summary>
    public MemoryTables ReadMemory() => _store.ReadMemory(_projection);
}

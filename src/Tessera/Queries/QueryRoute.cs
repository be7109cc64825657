using System.Collections.Concurrent;
using Tessera.Projections;
using Tessera.Storage;

namespace Tessera.Queries;

/// <summary>One query type's way through the bus: consistency wait, local cache, handler. Built once at start-up.</summary>
internal abstract class QueryRoute(QueryInfo info)
{
    public QueryInfo Info { get; } = info;

    public abstract ValueTask<QueryResult<object?>> RunUntypedAsync(object query, GlobalPosition? minPosition, CancellationToken cancellationToken);
}

/// <summary>A route whose answers are <typeparamref name="TResult"/>, so the typed path needs no boxing.</summary>
internal abstract class QueryRoute<TResult>(QueryInfo info) : QueryRoute(info)
{
    public abstract ValueTask<QueryResult<TResult>> RunAsync(IQuery<TResult> query, GlobalPosition? minPosition, CancellationToken cancellationToken);
}

internal sealed class QueryRoute<TQuery, TResult> : QueryRoute<TResult>
    where TQuery : class, IQuery<TResult>
{
    private readonly IQueryHandler<TQuery, TResult> _handler;
    private readonly IReadModelStore _store;
    private readonly ProjectionRunner[] _runners;
    private readonly QueryBusSettings _settings;
    private readonly string _projection;
    private readonly IReadModelReplica? _replica;
    private readonly ConcurrentDictionary<TQuery, TResult>? _cache;
    private long _epoch;

    public QueryRoute(QueryDescriptor descriptor, IQueryHandler<TQuery, TResult> handler, IReadModelStore store, IReadOnlyList<ProjectionRunner> runners, QueryBusSettings settings)
        : base(new QueryInfo(descriptor.Name, typeof(TQuery), typeof(TResult), [.. runners.Select(r => r.Name)], descriptor.Cached))
    {
        _handler = handler;
        _store = store;
        _runners = [.. runners];
        _settings = settings;
        _projection = _runners.Length > 0 ? _runners[0].Name : string.Empty;
        _replica = store is IReadModelReplica { ReadsReplica: true } replica && _runners.Length > 0 ? replica : null;
        // A replica replays commits after the runner made them, so a cache dropped on commit could keep an older answer.
        if (descriptor.Cached && _runners.Length > 0 && _replica is null)
        {
            _cache = new ConcurrentDictionary<TQuery, TResult>();
            foreach (var runner in _runners)
            {
                runner.OnTouched(Invalidate);
            }
        }
    }

    public override async ValueTask<QueryResult<object?>> RunUntypedAsync(object query, GlobalPosition? minPosition, CancellationToken cancellationToken) =>
        (await RunAsync((TQuery)query, minPosition, cancellationToken)).Untyped();

    public override ValueTask<QueryResult<TResult>> RunAsync(IQuery<TResult> query, GlobalPosition? minPosition, CancellationToken cancellationToken)
    {
        var typed = (TQuery)query;
        if (minPosition is { } min && (_replica is not null || !ConsistencyWait.Reached(_runners, min)))
        {
            return WaitThenRunAsync(typed, min, cancellationToken);
        }
        if (_cache is not null && _cache.TryGetValue(typed, out var cached))
        {
            return new ValueTask<QueryResult<TResult>>(QueryResult.Ok<TResult>(cached));
        }
        return HandleAsync(typed, cancellationToken);
    }

    private async ValueTask<QueryResult<TResult>> WaitThenRunAsync(TQuery query, GlobalPosition min, CancellationToken cancellationToken)
    {
        var started = _settings.Time.GetTimestamp();
        if (await ConsistencyWait.WaitAsync(_runners, min, _settings.ConsistencyWait, _settings.Time, cancellationToken) is { } reached)
        {
            return QueryResult.NotYetConsistent<TResult>(reached);
        }
        if (_replica is not null && await WaitForReplicaAsync(_replica, min, _settings.ConsistencyWait - _settings.Time.GetElapsedTime(started), cancellationToken) is { } seen)
        {
            return QueryResult.NotYetConsistent<TResult>(seen);
        }
        return await RunAsync(query, null, cancellationToken);
    }

    /// <summary>Null once the replica has replayed every projection's checkpoint up to <paramref name="min"/>; else the lowest it showed when the bound ran out.</summary>
    private async ValueTask<GlobalPosition?> WaitForReplicaAsync(IReadModelReplica replica, GlobalPosition min, TimeSpan bound, CancellationToken cancellationToken)
    {
        var started = _settings.Time.GetTimestamp();
        foreach (var runner in _runners)
        {
            while (true)
            {
                var visible = await replica.ReadVisibleCheckpointAsync(runner.Name, cancellationToken);
                if (visible >= min)
                {
                    break;
                }
                if (_settings.Time.GetElapsedTime(started) >= bound)
                {
                    return visible;
                }
                await Task.Delay(replica.PollInterval, _settings.Time, cancellationToken);
            }
        }
        return null;
    }

    private async ValueTask<QueryResult<TResult>> HandleAsync(TQuery query, CancellationToken cancellationToken)
    {
        // The epoch is read before the handler reads: if a projection commits meanwhile, the answer may be older than
        // the commit and is not kept (a commit drops the cache and bumps the epoch before its checkpoint is visible).
        var epoch = Volatile.Read(ref _epoch);
        var result = await _handler.HandleAsync(query, new QueryContext(_store, _projection, cancellationToken));
        if (_cache is not null && result is not null)
        {
            if (_cache.Count >= _settings.CacheEntries)
            {
                _cache.Clear();
            }
            _cache[query] = result;
            if (Volatile.Read(ref _epoch) != epoch)
            {
                _cache.TryRemove(query, out _);
            }
        }
        return QueryResult.Ok<TResult>(result);
    }

    private void Invalidate()
    {
        Interlocked.Increment(ref _epoch);
        _cache!.Clear();
    }
}

using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>What operators and hosts do with projections: status, retry or skip a poison event, rebuild, and wait for a position.</summary>
public sealed class ProjectionAdmin
{
    private readonly ProjectionRunners _runners;
    private readonly IProjectionEventSource _reader;
    private readonly TimeProvider _time;

    internal ProjectionAdmin(ProjectionRunners runners, IProjectionEventSource reader, TimeProvider time)
    {
        _runners = runners;
        _reader = reader;
        _time = time;
    }

    /// <summary>The names of every projection of this process.</summary>
    public IReadOnlyList<string> Names => [.. _runners.All.Select(r => r.Name)];

    /// <summary>True when at least one projection is stopped by an error (for a readiness check).</summary>
    public bool AnyFailed => _runners.All.Any(r => r.State == ProjectionState.Failed);

    /// <summary>The names of the projections stopped by an error.</summary>
    public IReadOnlyList<string> Failed => [.. _runners.All.Where(r => r.State == ProjectionState.Failed).Select(r => r.Name)];

    /// <summary>The status of every projection, with lag measured against the event source's head now.</summary>
    public async ValueTask<IReadOnlyList<ProjectionStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var head = await HeadAsync(cancellationToken);
        return [.. _runners.All.Select(r => r.GetStatus(head))];
    }

    /// <summary>The status of one projection, or null when no projection has that name.</summary>
    public async ValueTask<ProjectionStatus?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!_runners.ByName.TryGetValue(name, out var runner))
        {
            return null;
        }
        return runner.GetStatus(await HeadAsync(cancellationToken));
    }

    /// <summary>The source's head now; while the source cannot be read (a broker down), the last head the runners saw.</summary>
    private async ValueTask<GlobalPosition> HeadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadHeadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The runners report the outage themselves (state Failed, "the event source ..."); status stays readable.
            return new GlobalPosition(_runners.All.Select(r => r.KnownHead).DefaultIfEmpty(0).Max());
        }
    }

    /// <summary>Applies the event that stopped a failed projection again (after a fix of its cause).</summary>
    public ProjectionActionResult Retry(string name) =>
        _runners.ByName.TryGetValue(name, out var runner) ? runner.Retry() : ProjectionActionResult.NotFound;

    /// <summary>Passes over the event that stopped a failed projection, without applying it, and goes on; the skip is stored, so restarts and rebuilds skip it too.</summary>
    public ValueTask<ProjectionActionResult> SkipAsync(string name, CancellationToken cancellationToken = default) =>
        _runners.ByName.TryGetValue(name, out var runner) ? runner.SkipAsync(cancellationToken) : ValueTask.FromResult(ProjectionActionResult.NotFound);

    /// <summary>Starts replaying a projection from position 0 into new tables, swapped in when they catch up; see <see cref="ProjectionStatus.Rebuild"/>.</summary>
    public ProjectionActionResult StartRebuild(string name) =>
        _runners.ByName.TryGetValue(name, out var runner) ? runner.StartRebuild() : ProjectionActionResult.NotFound;

    /// <summary>
    /// Waits until every projection (or the one named) has passed <paramref name="position"/>, for at most
    /// <paramref name="timeout"/>; false on timeout or when a projection failed short of it.
    /// </summary>
    public async ValueTask<bool> WaitForPositionAsync(GlobalPosition position, TimeSpan timeout, string? projection = null, CancellationToken cancellationToken = default)
    {
        if (projection is not null && !_runners.ByName.ContainsKey(projection))
        {
            throw new ArgumentException($"No projection is named '{projection}'.", nameof(projection));
        }
        var runners = projection is null ? _runners.All : [_runners.ByName[projection]];
        return await ConsistencyWait.WaitAsync(runners, position, timeout, _time, cancellationToken) is null;
    }
}

/// <summary>Waits, within a bound, until a set of projections has passed a position.</summary>
internal static class ConsistencyWait
{
    /// <summary>Null when every runner reached <paramref name="position"/>; otherwise the lowest checkpoint reached.</summary>
    public static async ValueTask<GlobalPosition?> WaitAsync(IReadOnlyList<ProjectionRunner> runners, GlobalPosition position, TimeSpan bound, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Reached(runners, position))
        {
            return null;
        }
        using var timeout = new CancellationTokenSource(bound, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            foreach (var runner in runners)
            {
                if (!await runner.WaitForAsync(position, linked.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
        return Reached(runners, position) ? null : Lowest(runners);
    }

    public static bool Reached(IReadOnlyList<ProjectionRunner> runners, GlobalPosition position)
    {
        for (var i = 0; i < runners.Count; i++)
        {
            if (runners[i].Checkpoint < position)
            {
                return false;
            }
        }
        return true;
    }

    private static GlobalPosition Lowest(IReadOnlyList<ProjectionRunner> runners)
    {
        var lowest = new GlobalPosition(long.MaxValue);
        foreach (var runner in runners)
        {
            lowest = runner.Checkpoint < lowest ? runner.Checkpoint : lowest;
        }
        return runners.Count == 0 ? GlobalPosition.Start : lowest;
    }
}

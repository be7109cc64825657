using System.Collections.Frozen;
using Microsoft.Extensions.Hosting;

namespace Tessera.Projections;

/// <summary>Every projection runner of this process, by name.</summary>
internal sealed class ProjectionRunners : IDisposable
{
    public ProjectionRunners(IReadOnlyList<ProjectionRunner> runners)
    {
        All = runners;
        ByName = runners.ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);
        ByType = runners.ToFrozenDictionary(r => r.Definition.ProjectionType);
    }

    public IReadOnlyList<ProjectionRunner> All { get; }

    public FrozenDictionary<string, ProjectionRunner> ByName { get; }

    public FrozenDictionary<Type, ProjectionRunner> ByType { get; }

    public void Dispose()
    {
        foreach (var runner in All)
        {
            runner.Dispose();
        }
    }
}

/// <summary>The hosted background service that runs every projection until the host stops.</summary>
internal sealed class ProjectionHostedService(ProjectionRunners runners, Queries.QueryBus queries, ProjectionMetrics metrics) : BackgroundService
{
    // The query bus and the metrics are taken here so that a configuration problem stops the host's start.
    private readonly object[] _started = [queries, metrics];

    /// <summary>Opens every projection's tables before the host's start completes, then runs them in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var runner in runners.All)
        {
            await runner.OpenAsync(cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(runners.All.Select(r => Task.Run(() => r.RunAsync(stoppingToken), CancellationToken.None)));
}

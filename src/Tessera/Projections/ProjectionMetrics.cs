using System.Diagnostics.Metrics;
using Tessera.Commands;

namespace Tessera.Projections;

/// <summary>
/// The read side's instruments on the "Tessera" meter: checkpoint, lag in events and seconds, state and events applied,
/// each per projection; observed only when a listener asks.
/// </summary>
internal sealed class ProjectionMetrics
{
    public ProjectionMetrics(CommandMetrics metrics, ProjectionRunners runners)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("tessera.projection.checkpoint", () => Each(runners, r => r.Checkpoint.Value), "{position}", "The position of the last event a projection applied.");
        meter.CreateObservableGauge("tessera.projection.lag", () => Each(runners, r => Math.Max(0, r.KnownHead - r.Checkpoint.Value)), "{event}", "How many positions a projection is behind the store's head.");
        meter.CreateObservableGauge("tessera.projection.lag.time", () => Each(runners, r => r.GetStatus(new Storage.GlobalPosition(r.KnownHead)).LagTime.TotalSeconds), "s", "How old the last applied event is while a projection is behind.");
        meter.CreateObservableGauge("tessera.projection.state", () => Each(runners, r => (int)r.State), "{state}", "0 starting, 1 catching up, 2 running, 3 failed, 4 stopped.");
        meter.CreateObservableCounter("tessera.projection.events", () => Each(runners, r => r.EventsApplied), "{event}", "Events applied by a projection since the process started.");
    }

    private static IEnumerable<Measurement<T>> Each<T>(ProjectionRunners runners, Func<ProjectionRunner, T> value)
        where T : struct
    {
        foreach (var runner in runners.All)
        {
            yield return new Measurement<T>(value(runner), new KeyValuePair<string, object?>("projection", runner.Name));
        }
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Projections;
using Xunit;

namespace Tessera.Tests.Projections;

public sealed class ProjectionMetricsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task the_projection_instruments_report_checkpoint_lag_state_and_events_applied_per_projection()
    {
        await using var provider = await Accounts.Provider(more: b => b.AddBalances()).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        using var readings = new Readings(provider.GetRequiredService<CommandMetrics>().Meter);
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "ann"), Accounts.As(Accounts.Teller));
        var good = await bus.SendAsync(new Deposit(id, 2m), Accounts.As(Accounts.Teller));
        Assert.True(await admin.WaitForPositionAsync(good.Position, Long));

        var running = readings.Take("balances.v1");
        Assert.Equal(good.Position.Value, running["tessera.projection.checkpoint"]);
        Assert.Equal(0, running["tessera.projection.lag"]);
        Assert.Equal(0, running["tessera.projection.lag.time"]);
        Assert.Equal((int)ProjectionState.Running, running["tessera.projection.state"]);
        Assert.Equal(2, running["tessera.projection.events"]);

        await bus.SendAsync(new Deposit(id, BalancesProjection.Poison), Accounts.As(Accounts.Teller));
        var after = await bus.SendAsync(new Deposit(id, 1m), Accounts.As(Accounts.Teller));
        await admin.WaitForStateAsync("balances.v1", ProjectionState.Failed);
        Assert.True(await admin.WaitForPositionAsync(after.Position, Long, "owners.v1"));

        var failed = readings.Take("balances.v1");
        Assert.Equal((int)ProjectionState.Failed, failed["tessera.projection.state"]);
        Assert.Equal(good.Position.Value, failed["tessera.projection.checkpoint"]);
        Assert.Equal(after.Position.Value - good.Position.Value, failed["tessera.projection.lag"]);
        Assert.True(failed["tessera.projection.lag.time"] >= 0);
        Assert.Equal(after.Position.Value, readings.Take("owners.v1")["tessera.projection.checkpoint"]);
        await provider.StopAsync();
    }

    /// <summary>Listens to one meter's projection instruments and reads them on demand, by projection.</summary>
    private sealed class Readings : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, string Projection, double Value)> _taken = [];

        public Readings(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name.StartsWith("tessera.projection.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public Dictionary<string, double> Take(string projection)
        {
            lock (_taken)
            {
                _taken.Clear();
            }
            _listener.RecordObservableInstruments();
            lock (_taken)
            {
                return _taken.Where(t => t.Projection == projection).ToDictionary(t => t.Instrument, t => t.Value);
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var projection = string.Empty;
            foreach (var tag in tags)
            {
                if (tag.Key == "projection")
                {
                    projection = (string)tag.Value!;
                }
            }
            lock (_taken)
            {
                _taken.Add((instrument.Name, projection, value));
            }
        }
    }
}

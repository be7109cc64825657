using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Xunit;

namespace Tessera.Tests.Commands;

public sealed class CommandMetricsTests
{
    [Fact]
    public async Task commands_are_counted_by_name_and_result_and_appends_are_timed()
    {
        using var provider = Accounts.Provider();
        var metrics = provider.GetRequiredService<CommandMetrics>();
        var counted = new List<(long Value, string Command, string Result)>();
        var appends = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var command = tags.ToArray().Single(t => t.Key == "command").Value!.ToString()!;
            var result = tags.ToArray().Single(t => t.Key == "result").Value!.ToString()!;
            counted.Add((value, command, result));
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "tessera.append.duration")
            {
                appends++;
            }
        });
        listener.Start();

        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        await bus.SendAsync(new Deposit(id, -1), Accounts.As(Accounts.Customer));

        Assert.Equal([(1L, "test.open-account", "Accepted"), (1L, "test.deposit", "ValidationFailed")], counted);
        Assert.Equal(1, appends);
    }
}

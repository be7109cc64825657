using Shop.Orders;
using Tessera.AspNetCore.Admin;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

public class CommandLogTests
{
    [Fact]
    public async Task the_log_keeps_the_last_thousand_commands_newest_first_and_counts_every_outcome()
    {
        var log = new CommandLog(TimeProvider.System);
        var command = new CancelOrder(OrderId.New(), "test");
        for (var i = 1; i <= 1_500; i++)
        {
            var result = i % 3 == 0 ? CommandResult.Conflict("busy") : CommandResult.Accepted(new GlobalPosition(i), new StreamVersion(0));
            await log.InvokeAsync(command, new CommandContext { CommandName = $"c{i}" }, (_, _) => ValueTask.FromResult(result));
        }

        var all = log.Recent(null, 5_000);
        var conflicts = log.Recent(CommandStatus.Conflict, 5_000);

        Assert.Equal(CommandLog.Capacity, all.Count);
        Assert.Equal("c1500", all[0].Name);
        Assert.Equal("c501", all[^1].Name);
        Assert.All(conflicts, e => Assert.Equal(CommandStatus.Conflict, e.Status));
        Assert.Equal(334, conflicts.Count); // the multiples of 3 from 501 to 1500
        Assert.Equal(1_000, log.Counts()[CommandStatus.Accepted]);
        Assert.Equal(500, log.Counts()[CommandStatus.Conflict]);
        Assert.Equal(1_499, all[1].Position);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Aggregates;

public sealed class ConflictRetryTests
{
    [Fact]
    public async Task a_version_conflict_reloads_and_runs_the_command_again()
    {
        var store = new InMemoryEventStore();
        var interfering = new InterferingStore(store, times: 0);
        using var provider = Accounts.Provider(interfering);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));

        using var racing = Accounts.Provider(new InterferingStore(store, times: 2));
        var result = await racing.GetRequiredService<CommandBus>().SendAsync(new Deposit(id, 5), Accounts.As(Accounts.Customer));

        Assert.Equal(CommandStatus.Accepted, result.Status);
        // Open, two interfering deposits, then ours on the third attempt.
        Assert.Equal(new StreamVersion(3), result.StreamVersion);
    }

    [Fact]
    public async Task after_the_configured_retries_the_result_is_a_conflict()
    {
        var store = new InMemoryEventStore();
        var id = AccountId.New();
        using (var setup = Accounts.Provider(store))
        {
            await setup.GetRequiredService<CommandBus>().SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        }
        var interfering = new InterferingStore(store, times: int.MaxValue);
        using var provider = Accounts.Provider(interfering, more: b => b.Options.ConflictRetries = 2);

        var result = await provider.GetRequiredService<CommandBus>().SendAsync(new Deposit(id, 5), Accounts.As(Accounts.Customer));

        Assert.Equal(CommandStatus.Conflict, result.Status);
        Assert.Equal(3, interfering.Appends);
        var events = (await store.ReadStreamAsync(StreamName.For("account", id), StreamVersion.Start, ReadDirection.Forwards, 100)).Events;
        Assert.DoesNotContain(events, e => e.Metadata.User == "carl" && e.Type == "test.deposited.v1");
    }
}

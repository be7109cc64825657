using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Aggregates;

public sealed class SnapshotTests
{
    [Fact]
    public async Task loading_a_long_stream_reads_the_snapshot_and_the_tail_only()
    {
        var counting = new CountingStore(new InMemoryEventStore());
        using var provider = Accounts.Provider(counting, snapshotEvery: 10);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        for (var i = 0; i < 25; i++)
        {
            Assert.True((await bus.SendAsync(new Deposit(id, 1), Accounts.As(Accounts.Customer))).IsAccepted);
        }

        counting.EventsRead = 0;
        var state = await provider.GetRequiredService<AggregateFactory>().LoadStateAsync<Account, AccountState>(id);

        // 26 events (versions 0..25); the last snapshot is at version 19, so only 20..25 are read.
        Assert.Equal(6, counting.EventsRead);
        Assert.Equal(25m, state!.Balance);
        Assert.Equal(25, state.Deposits);
    }

    [Fact]
    public async Task a_snapshot_of_another_schema_is_ignored_and_the_whole_stream_is_read()
    {
        var store = new InMemoryEventStore();
        var id = AccountId.New();
        using (var v1 = Accounts.Provider(store, snapshotEvery: 5))
        {
            var bus = v1.GetRequiredService<CommandBus>();
            await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
            for (var i = 0; i < 9; i++)
            {
                await bus.SendAsync(new Deposit(id, 2), Accounts.As(Accounts.Customer));
            }
        }
        var counting = new CountingStore(store);
        var services = new ServiceCollection();
        services.AddSingleton<IEventStore>(counting);
        services.AddTessera(b => b.AddAccountsWithSnapshotSchema(every: 5, schema: 2));
        using var v2 = services.BuildServiceProvider();

        var state = await v2.GetRequiredService<AggregateFactory>().LoadStateAsync<Account, AccountState>(id);

        Assert.Equal(10, counting.EventsRead);
        Assert.Equal(18m, state!.Balance);
    }

    [Fact]
    public async Task snapshots_live_in_their_own_stream_and_do_not_change_the_aggregate_stream()
    {
        var store = new InMemoryEventStore();
        using var provider = Accounts.Provider(store, snapshotEvery: 2);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        var result = await bus.SendAsync(new Deposit(id, 1), Accounts.As(Accounts.Customer));

        var stream = StreamName.For("account", id);
        Assert.Equal(new StreamVersion(1), result.StreamVersion);
        Assert.Equal(2, (await store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 10)).Events.Count);
        var snapshot = (await store.ReadStreamAsync(new StreamName("$snapshot-" + stream.Value), StreamVersion.Start, ReadDirection.Forwards, 10)).Events;
        Assert.Single(snapshot);
    }
}

internal static class SnapshotSchemaExtensions
{
    public static TesseraBuilder AddAccountsWithSnapshotSchema(this TesseraBuilder b, int every, int schema)
    {
        b.AddJson(AccountsJsonContext.Default);
        b.Events.Add<AccountOpened>("test.account-opened.v1").Add<Deposited>("test.deposited.v1").Add<Withdrawn>("test.withdrawn.v1");
        b.Command<OpenAccount>("test.open-account");
        b.Command<Deposit>("test.deposit");
        b.AddAggregate<Account, AccountState>("account", a => a.Creates<OpenAccount>().Handles<Deposit>().SnapshotEvery(every, schema));
        return b;
    }
}

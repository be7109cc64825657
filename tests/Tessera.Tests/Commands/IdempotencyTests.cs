using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Commands;

public sealed class IdempotencyTests
{
    private readonly InMemoryEventStore _store = new();

    [Fact]
    public async Task the_same_command_id_returns_the_first_result_and_appends_nothing()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        var context = Accounts.As(Accounts.Teller) with { CommandId = Guid.CreateVersion7() };
        var first = await bus.SendAsync(new Deposit(id, 10), context);
        var head = await _store.ReadHeadAsync();

        var second = await bus.SendAsync(new Deposit(id, 10), context);

        Assert.Equal(CommandStatus.Accepted, second.Status);
        Assert.Equal((first.Position, first.StreamVersion), (second.Position, second.StreamVersion));
        Assert.Equal(head, await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task the_first_result_survives_a_restart_because_it_comes_from_the_store()
    {
        var id = AccountId.New();
        var context = Accounts.As(Accounts.Teller) with { CommandId = Guid.CreateVersion7() };
        CommandResult first;
        using (var before = Accounts.Provider(_store))
        {
            var bus = before.GetRequiredService<CommandBus>();
            await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
            await bus.SendAsync(new Deposit(id, 100), Accounts.As(Accounts.Customer));
            first = await bus.SendAsync(new Withdraw(id, 100), context);
        }
        var head = await _store.ReadHeadAsync();

        using var after = Accounts.Provider(_store);
        var retried = await after.GetRequiredService<CommandBus>().SendAsync(new Withdraw(id, 100), context);

        // Run again, the withdrawal would now fail (the balance is 0); the first result stands instead.
        Assert.Equal(CommandStatus.Accepted, retried.Status);
        Assert.Equal(first.Position, retried.Position);
        Assert.Equal(head, await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_rejected_command_is_evaluated_afresh_when_sent_again()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        var context = Accounts.As(Accounts.Teller) with { CommandId = Guid.CreateVersion7() };
        Assert.Equal(CommandStatus.ValidationFailed, (await bus.SendAsync(new Withdraw(id, 5), context)).Status);
        await bus.SendAsync(new Deposit(id, 10), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.Accepted, (await bus.SendAsync(new Withdraw(id, 5), context)).Status);
    }

    [Fact]
    public async Task a_concurrent_run_of_the_same_command_that_wins_the_race_gives_its_result()
    {
        var racing = new RacingStore(_store);
        using var provider = Accounts.Provider(racing);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        racing.Armed = true;

        var result = await bus.SendAsync(new Deposit(id, 10), Accounts.As(Accounts.Customer));

        Assert.Equal(CommandStatus.Accepted, result.Status);
        var events = (await _store.ReadStreamAsync(StreamName.For("account", id), StreamVersion.Start, ReadDirection.Forwards, 10)).Events;
        Assert.Equal(2, events.Count);
        Assert.Equal(events[1].Position, result.Position);
    }

    [Fact]
    public async Task a_command_sent_without_an_id_gets_a_new_one_and_skips_the_lookup()
    {
        var lookups = new LookupCountingStore(_store);
        using var provider = Accounts.Provider(lookups);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        lookups.Lookups = 0;

        await bus.SendAsync(new Deposit(id, 1), Accounts.As(Accounts.Customer));
        Assert.Equal(0, lookups.Lookups);

        await bus.SendAsync(new Deposit(id, 1), Accounts.As(Accounts.Customer) with { CommandId = Guid.CreateVersion7() });
        Assert.Equal(1, lookups.Lookups);
    }

    [Fact]
    public async Task the_ids_the_bus_makes_up_are_time_ordered_version_7_uuids()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        await bus.SendAsync(new OpenAccount(AccountId.New(), "carl"), Accounts.As(Accounts.Customer));
        await bus.SendAsync(new OpenAccount(AccountId.New(), "carl"), Accounts.As(Accounts.Customer));
        var causes = (await _store.ReadAllAsync(GlobalPosition.Start, 10)).Events.Select(e => e.Metadata.CausationId).ToList();
        Assert.All(causes, c => Assert.Equal(7, c.Version));
        Assert.Equal(2, causes.Distinct().Count());
        Assert.True(string.CompareOrdinal(causes[0].ToString()[..8], causes[1].ToString()[..8]) <= 0);
    }

    private static async Task<AccountId> OpenAsync(CommandBus bus)
    {
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        return id;
    }

    private sealed class LookupCountingStore(IEventStore inner) : ForwardingStore(inner)
    {
        public int Lookups { get; set; }

        public override ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default)
        {
            Lookups++;
            return Inner.ReadEventAsync(eventId, cancellationToken);
        }
    }

    /// <summary>Lets "another process" append the very same events just before this one does.</summary>
    private sealed class RacingStore(IEventStore inner) : ForwardingStore(inner)
    {
        public bool Armed { get; set; }

        public override async ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                await Inner.AppendAsync(stream, expected, events, cancellationToken);
            }
            return await Inner.AppendAsync(stream, expected, events, cancellationToken);
        }
    }
}

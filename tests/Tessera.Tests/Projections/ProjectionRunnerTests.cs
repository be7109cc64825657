using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Projections;

public sealed class ProjectionRunnerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private static readonly CommandContext Teller = Accounts.As(Accounts.Teller);

    [Fact]
    public async Task a_query_with_a_commands_token_sees_what_the_command_did()
    {
        await using var provider = await Accounts.Provider(more: b => b.AddBalances()).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var queries = provider.GetRequiredService<QueryBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "ann"), Teller);
        var deposited = await bus.SendAsync(new Deposit(id, 40m), Teller);

        var result = await queries.QueryAsync(new GetBalance(id), deposited.Position);

        Assert.Equal(QueryStatus.Ok, result.Status);
        Assert.Equal(new Balance(id, "ann", 40m, 1), result.Value);
        await provider.StopAsync();
    }

    [Fact]
    public async Task a_token_the_projections_do_not_reach_in_time_answers_not_yet_consistent_without_data()
    {
        await using var provider = await Accounts.Provider(more: b => { b.AddBalances(); b.Options.ConsistencyWait = TimeSpan.FromMilliseconds(20); }).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        var opened = await bus.SendAsync(new OpenAccount(id, "ann"), Teller);
        Assert.True(await provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(opened.Position, Long));

        var result = await provider.GetRequiredService<QueryBus>().QueryAsync(new GetBalance(id), new GlobalPosition(opened.Position.Value + 5));

        Assert.Equal(QueryStatus.NotYetConsistent, result.Status);
        Assert.Null(result.Value);
        Assert.Equal(opened.Position, result.Reached);
        await provider.StopAsync();
    }

    [Fact]
    public async Task an_unknown_account_is_not_found_and_the_untyped_entry_point_gives_the_same_answers()
    {
        await using var provider = await Accounts.Provider(more: b => b.AddBalances()).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var queries = provider.GetRequiredService<QueryBus>();
        var id = AccountId.New();
        var opened = await bus.SendAsync(new OpenAccount(id, "ann"), Teller);

        Assert.Equal(QueryStatus.NotFound, (await queries.QueryUntypedAsync(new GetBalance(AccountId.New()), opened.Position)).Status);
        var found = await queries.QueryUntypedAsync(new GetBalance(id), opened.Position);
        Assert.Equal(new Balance(id, "ann", 0m, 0), found.Value);
        Assert.True(queries.TryGetQuery("test.get-balance", out var info));
        Assert.Equal(typeof(GetBalance), info.QueryType);
        Assert.Equal(["balances.v1"], info.Projections);
        await Assert.ThrowsAsync<UnknownQueryException>(async () => await queries.QueryUntypedAsync("not a query"));
        await provider.StopAsync();
    }

    [Fact]
    public async Task a_cached_answer_is_served_until_the_projection_applies_an_event_that_touches_it()
    {
        await using var provider = await Accounts.Provider(more: b => b.AddBalances()).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var queries = provider.GetRequiredService<QueryBus>();
        var handler = provider.GetRequiredService<BalanceQueries>();
        var id = AccountId.New();
        var opened = await bus.SendAsync(new OpenAccount(id, "ann"), Teller);
        await queries.QueryAsync(new GetBalance(id), opened.Position);
        var reads = handler.Reads;

        await queries.QueryAsync(new GetBalance(id));
        Assert.Equal(reads, handler.Reads);

        var deposited = await bus.SendAsync(new Deposit(id, 5m), Teller);
        var fresh = await queries.QueryAsync(new GetBalance(id), deposited.Position);
        Assert.Equal(5m, fresh.Value!.Amount);
        Assert.Equal(reads + 1, handler.Reads);
        await provider.StopAsync();
    }

    [Fact]
    public async Task an_inline_projection_has_applied_the_events_before_the_command_is_acknowledged()
    {
        await using var provider = await Accounts.Provider(more: b => b.AddBalances(ProjectionMode.Inline)).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "ann"), Teller);
        for (var i = 1; i <= 20; i++)
        {
            var result = await bus.SendAsync(new Deposit(id, 2 * i), Teller);
            var status = await admin.GetAsync("balances.v1");
            Assert.True(status!.Checkpoint >= result.Position, $"checkpoint {status.Checkpoint} < {result.Position}");
            Assert.Equal(ProjectionMode.Inline, status.Mode);
        }
        await provider.StopAsync();
    }

    [Fact]
    public async Task a_poison_event_stops_only_its_projection_naming_the_event_and_position_until_skipped()
    {
        await using var provider = await Accounts.Provider(more: b => b.AddBalances()).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        var store = provider.GetRequiredService<IEventStore>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "ann"), Teller);
        var good = await bus.SendAsync(new Deposit(id, 2m), Teller);
        var poison = await bus.SendAsync(new Deposit(id, BalancesProjection.Poison), Teller);
        var after = await bus.SendAsync(new OpenAccount(AccountId.New(), "bob"), Teller);

        var failed = await admin.WaitForStateAsync("balances.v1", ProjectionState.Failed);
        var stored = (await store.ReadAllAsync(new GlobalPosition(poison.Position.Value - 1), 1)).Events[0];
        Assert.Equal(stored.EventId, failed.Error!.EventId);
        Assert.Equal(poison.Position, failed.Error.Position);
        Assert.Equal("test.deposited.v1", failed.Error.EventType);
        Assert.Contains("13 is unlucky", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(good.Position, failed.Checkpoint);
        Assert.True(admin.AnyFailed);
        Assert.Equal(["balances.v1"], admin.Failed);
        Assert.True(await admin.WaitForPositionAsync(after.Position, Long, "owners.v1"));
        Assert.Equal(2, (await provider.GetRequiredService<QueryBus>().QueryAsync(new CountOwners(), after.Position)).Value!.Count);
        Assert.Equal(QueryStatus.NotYetConsistent, (await provider.GetRequiredService<QueryBus>().QueryAsync(new GetBalance(id), after.Position)).Status);

        Assert.Equal(ProjectionActionResult.Done, admin.Retry("balances.v1"));
        var again = await admin.WaitForStateAsync("balances.v1", ProjectionState.Failed);
        Assert.Equal(poison.Position, again.Error!.Position);

        Assert.Equal(ProjectionActionResult.Done, await admin.SkipAsync("balances.v1"));
        Assert.True(await admin.WaitForPositionAsync(after.Position, Long, "balances.v1"));
        Assert.False(admin.AnyFailed);
        var balance = await provider.GetRequiredService<QueryBus>().QueryAsync(new GetBalance(id), after.Position);
        Assert.Equal(new Balance(id, "ann", 2m, 1), balance.Value);
        Assert.Equal(ProjectionActionResult.NotFailed, await admin.SkipAsync("balances.v1"));
        Assert.Equal(ProjectionActionResult.NotFound, admin.Retry("nope.v1"));
        await provider.StopAsync();
    }

    [Fact]
    public async Task a_rebuild_replays_into_new_tables_and_swaps_them_in_while_queries_keep_answering()
    {
        await using var provider = await Accounts.Provider(more: b => { b.AddBalances(); b.Options.ProjectionBatchSize = 7; }).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        var queries = provider.GetRequiredService<QueryBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "ann"), Teller);
        CommandResult last = default;
        for (var i = 0; i < 200; i++)
        {
            last = await bus.SendAsync(new Deposit(id, 1m), Teller);
        }
        Assert.True(last.IsAccepted, $"{last.Status} {last.Reason}");
        Assert.True(await admin.WaitForPositionAsync(last.Position, Long));

        Assert.Equal(ProjectionActionResult.Done, admin.StartRebuild("balances.v1"));
        var answers = 0;
        while ((await admin.GetAsync("balances.v1"))!.Rebuild!.State == RebuildState.Running)
        {
            var during = await queries.QueryAsync(new GetBalance(id), last.Position);
            Assert.Equal(200m + answers, during.Value!.Amount);
            answers++;
            last = await bus.SendAsync(new Deposit(id, 1m), Teller);
        }
        var status = await admin.GetAsync("balances.v1");
        Assert.Equal(RebuildState.Completed, status!.Rebuild!.State);
        Assert.True(status.Rebuild.EventsDone >= 201);
        var after = await queries.QueryAsync(new GetBalance(id), last.Position);
        Assert.Equal(new Balance(id, "ann", 200m + answers, 200 + answers), after.Value);
        await provider.StopAsync();
    }
}

using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Shop.ReadModels.OrderSummaries;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;

namespace Tessera.ReadModels.Sqlite.Tests;

public sealed class DurabilityTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task a_crash_between_apply_and_checkpoint_leaves_neither_and_the_restart_applies_each_event_once()
    {
        using var folder = new TempFolder();
        var store = new InMemoryEventStore();
        GlobalPosition head;
        await using (var first = await ShopReadSide.StartAsync(folder.Sub("crashed"), store))
        {
            head = await first.SeedAsync(8);
            var sqlite = first.Provider.GetRequiredService<SqliteReadModelStore>();
            var admin = first.Provider.GetRequiredService<ProjectionAdmin>();
            Assert.True(await admin.WaitForPositionAsync(head, Long));
            sqlite.BeforeCommit = (name, _) => throw new IOException($"power cut while committing {name}");
            head = await first.SeedAsync(5);
            await admin.WaitForStateAsync("order-summaries.v1", ProjectionState.Failed);
            Assert.True((await admin.GetAsync("order-summaries.v1"))!.Checkpoint < head);
        }
        await using var restarted = await ShopReadSide.StartAsync(folder.Sub("crashed"), store);
        await using var single = await ShopReadSide.StartAsync(folder.Sub("single"), store);
        Assert.True(await restarted.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(head, Long));
        Assert.True(await single.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(head, Long));
        Assert.Equal(await DumpAsync(single), await DumpAsync(restarted));
        Assert.Equal(13, (await DumpAsync(restarted)).Count(l => l.StartsWith("order_summaries", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task read_models_built_across_many_random_restarts_equal_one_built_in_a_single_pass()
    {
        using var folder = new TempFolder();
        var store = new InMemoryEventStore();
        GlobalPosition head;
        await using (var writer = await ShopReadSide.StartAsync(folder.Sub("writer"), store))
        {
            head = await writer.SeedAsync(60);
        }
        var random = new Random(4);
        for (var restart = 0; restart < 12; restart++)
        {
            await using var run = await ShopReadSide.StartAsync(folder.Sub("restarted"), store, b => b.Options.ProjectionBatchSize = 1 + random.Next(20));
            var stopAt = new GlobalPosition(random.NextInt64(1, head.Value + 1));
            await run.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(stopAt, Long, "order-summaries.v1");
        }
        await using var restarted = await ShopReadSide.StartAsync(folder.Sub("restarted"), store);
        await using var single = await ShopReadSide.StartAsync(folder.Sub("single"), store);
        Assert.True(await restarted.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(head, Long));
        Assert.True(await single.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(head, Long));
        Assert.Equal(await DumpAsync(single), await DumpAsync(restarted));
    }

    [Fact]
    public async Task a_rebuild_swaps_new_tables_in_while_queries_keep_answering()
    {
        using var folder = new TempFolder();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore(), b => b.Options.ProjectionBatchSize = 5);
        var head = await shop.SeedAsync(40);
        var admin = shop.Provider.GetRequiredService<ProjectionAdmin>();
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        Assert.True(await admin.WaitForPositionAsync(head, Long));
        var before = await DumpAsync(shop);

        Assert.Equal(ProjectionActionResult.Done, admin.StartRebuild("order-summaries.v1"));
        Assert.Equal(ProjectionActionResult.AlreadyRebuilding, admin.StartRebuild("order-summaries.v1"));
        while ((await admin.GetAsync("order-summaries.v1"))!.Rebuild!.State == RebuildState.Running)
        {
            var page = await queries.QueryAsync(new ListOrdersByStatus(Shop.Orders.OrderStatus.Placed, 1, 100), head);
            Assert.Equal(30, page.Value!.Items.Count);
        }
        var status = await admin.GetAsync("order-summaries.v1");
        Assert.Equal(RebuildState.Completed, status!.Rebuild!.State);
        Assert.Equal(before, await DumpAsync(shop));
        Assert.Single(Directory.GetFiles(folder.Path, "order-summaries.v1.g*.db"));
        Assert.EndsWith(".g2.db", Directory.GetFiles(folder.Path, "order-summaries.v1.g*.db")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task read_models_built_from_another_store_stop_with_a_clear_error_until_rebuilt_from_this_one()
    {
        using var folder = new TempFolder();
        await using (var other = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore()))
        {
            Assert.True(await other.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(await other.SeedAsync(20), Long));
        }
        var store = new InMemoryEventStore();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, store);
        var admin = shop.Provider.GetRequiredService<ProjectionAdmin>();
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var head = await shop.SeedAsync(2, "Maps");

        var status = await admin.WaitForStateAsync("order-summaries.v1", ProjectionState.Failed);
        Assert.Contains("beyond the event store's head", status.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(GlobalPosition.Start, status.Checkpoint);
        var answer = await queries.QueryAsync(new ListOrdersByStatus(Shop.Orders.OrderStatus.Placed, 1, 100), head);
        Assert.Equal(QueryStatus.NotYetConsistent, answer.Status);
        Assert.Equal(ProjectionActionResult.Done, admin.Retry("order-summaries.v1"));
        Assert.Equal(ProjectionState.Failed, (await admin.WaitForStateAsync("order-summaries.v1", ProjectionState.Failed)).State);

        Assert.Equal(ProjectionActionResult.Done, admin.StartRebuild("order-summaries.v1"));
        while ((await admin.GetAsync("order-summaries.v1"))!.Rebuild!.State == RebuildState.Running)
        {
            await Task.Delay(10);
        }
        Assert.True(await admin.WaitForPositionAsync(head, Long, "order-summaries.v1"));
        var page = await queries.QueryAsync(new ListOrdersByStatus(Shop.Orders.OrderStatus.Placed, 1, 100), head);
        Assert.Equal(QueryStatus.Ok, page.Status);
        Assert.Single(page.Value!.Items);
    }

    [Fact]
    public async Task a_skipped_poison_event_stays_skipped_after_a_restart_and_in_a_rebuild()
    {
        using var folder = new TempFolder();
        var store = new InMemoryEventStore();
        const string Projection = "order-summaries.v1";
        GlobalPosition head;
        await using (var shop = await ShopReadSide.StartAsync(folder.Sub("skipped"), store))
        {
            var admin = shop.Provider.GetRequiredService<ProjectionAdmin>();
            await shop.SeedAsync(3);
            var poison = await AppendPoisonAsync(store);
            head = await shop.SeedAsync(2, "Maps");
            var failed = await admin.WaitForStateAsync(Projection, ProjectionState.Failed);
            Assert.Equal(poison, failed.Error!.Position);
            Assert.Equal(ProjectionActionResult.Done, await admin.SkipAsync(Projection));
            Assert.True(await admin.WaitForPositionAsync(head, Long, Projection));
        }

        // A new process on the same read DB: the rebuild replays the poison event and passes over it again.
        await using (var restarted = await ShopReadSide.StartAsync(folder.Sub("skipped"), store))
        {
            var admin = restarted.Provider.GetRequiredService<ProjectionAdmin>();
            Assert.True(await admin.WaitForPositionAsync(head, Long, Projection));
            var before = await DumpAsync(restarted);
            Assert.Equal(5, before.Count(l => l.StartsWith("order_summaries:", StringComparison.Ordinal)));
            Assert.Equal(ProjectionActionResult.Done, admin.StartRebuild(Projection));
            var rebuild = await WaitForRebuildAsync(admin, Projection);
            Assert.Equal(RebuildState.Completed, rebuild.State);
            Assert.Equal(ProjectionState.Running, (await admin.GetAsync(Projection))!.State);
            Assert.Equal(before, await DumpAsync(restarted));
        }

        // The skip belongs to that read DB: a fresh one stops on the same event.
        await using var fresh = await ShopReadSide.StartAsync(folder.Sub("fresh"), store);
        var stopped = await fresh.Provider.GetRequiredService<ProjectionAdmin>().WaitForStateAsync(Projection, ProjectionState.Failed);
        Assert.Equal(ProjectionState.Failed, stopped.State);
    }

    /// <summary>An OrderPlaced whose data no longer deserializes: every projection that handles it throws.</summary>
    private static async Task<GlobalPosition> AppendPoisonAsync(InMemoryEventStore store)
    {
        var data = System.Text.Encoding.UTF8.GetBytes("{\"id\": 42}");
        var result = await store.AppendAsync(new StreamName("order-poison"), ExpectedVersion.NoStream,
            [new EventData(Guid.NewGuid(), "shop.order-placed.v1", data, new Tessera.Messages.EventMetadata { Time = DateTimeOffset.UtcNow })]);
        return result.Position;
    }

    private static async Task<RebuildProgress> WaitForRebuildAsync(ProjectionAdmin admin, string projection)
    {
        while (true)
        {
            var rebuild = (await admin.GetAsync(projection))!.Rebuild!;
            if (rebuild.State != RebuildState.Running)
            {
                return rebuild;
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Every row of every read-model table, as text, in a fixed order.</summary>
    private static async Task<List<string>> DumpAsync(ShopReadSide side)
    {
        var lines = new List<string>();
        var sqlite = side.Provider.GetRequiredService<SqliteReadModelStore>();
        foreach (var projection in new[] { "order-summaries.v1", "category-list.v1", "product-sales.v1" })
        {
            await using var connection = await sqlite.OpenReadConnectionAsync(projection, CancellationToken.None);
            var tables = await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'tessera_checkpoint' ORDER BY name");
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM {table} ORDER BY 1, 2";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var values = new object[reader.FieldCount];
                    reader.GetValues(values);
                    lines.Add(table + ": " + string.Join(" | ", values));
                }
            }
        }
        return lines;
    }
}

internal static class AdminWaits
{
    public static async Task<ProjectionStatus> WaitForStateAsync(this ProjectionAdmin admin, string name, ProjectionState state)
    {
        while (true)
        {
            var status = await admin.GetAsync(name);
            if (status!.State == state)
            {
                return status;
            }
            await Task.Delay(5);
        }
    }
}

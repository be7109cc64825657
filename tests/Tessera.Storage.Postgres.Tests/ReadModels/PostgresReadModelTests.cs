using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shop.Categories;
using Shop.ReadModels.Catalog;
using Tessera.Projections;
using Tessera.Queries;
using Xunit;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

/// <summary>The read-model store on PostgreSQL: checkpoints in the batch's transaction, crashes, restarts, rebuilds, poison events.</summary>
public sealed class PostgresReadModelTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    /// <summary>The Shop projections whose SQL runs on PostgreSQL as written (see <see cref="PostgresShopReadModelTests"/>).</summary>
    private static readonly string[] Portable = ["order-summaries.v1", "category-list.v1", "product-sales.v1", "order-details.v1", "catalog.v1"];

    [Fact]
    public async Task a_crash_between_apply_and_checkpoint_leaves_neither_and_the_restart_applies_each_event_once()
    {
        var store = new InMemoryEventStore();
        var crashed = await PostgresReadSide.NewDatabaseAsync();
        GlobalPosition head;
        await using (var first = await PostgresReadSide.StartAsync(crashed, store))
        {
            head = await first.SeedAsync(8);
            var admin = first.Provider.GetRequiredService<ProjectionAdmin>();
            await WaitAllAsync(first, head);
            first.ReadModels.BeforeCommit = (name, _) => throw new IOException($"power cut while committing {name}");
            head = await first.SeedAsync(5);
            await admin.WaitForStateAsync("order-details.v1", ProjectionState.Failed);
            Assert.True((await admin.GetAsync("order-details.v1"))!.Checkpoint < head);
        }
        await using var restarted = await PostgresReadSide.StartAsync(crashed, store);
        await using var single = await PostgresReadSide.StartAsync(await PostgresReadSide.NewDatabaseAsync(), store);
        await WaitAllAsync(restarted, head);
        await WaitAllAsync(single, head);
        var rows = await restarted.DumpAsync();
        Assert.Equal(await single.DumpAsync(), rows);
        Assert.Equal(13 * 2, rows.Count(l => l.StartsWith("order_detail_lines", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task read_models_built_across_many_random_restarts_equal_one_built_in_a_single_pass()
    {
        var store = new InMemoryEventStore();
        GlobalPosition head;
        await using (var writer = await PostgresReadSide.StartAsync(await PostgresReadSide.NewDatabaseAsync(), store))
        {
            head = await writer.SeedAsync(40);
        }
        var restartedDatabase = await PostgresReadSide.NewDatabaseAsync();
        var random = new Random(4);
        for (var restart = 0; restart < 8; restart++)
        {
            await using var run = await PostgresReadSide.StartAsync(restartedDatabase, store, b => b.Options.ProjectionBatchSize = 1 + random.Next(20));
            var stopAt = new GlobalPosition(random.NextInt64(1, head.Value + 1));
            await run.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(stopAt, Long, "product-sales.v1");
        }
        await using var restarted = await PostgresReadSide.StartAsync(restartedDatabase, store);
        await using var single = await PostgresReadSide.StartAsync(await PostgresReadSide.NewDatabaseAsync(), store);
        await WaitAllAsync(restarted, head);
        await WaitAllAsync(single, head);
        Assert.Equal(await single.DumpAsync(), await restarted.DumpAsync());
    }

    [Fact]
    public async Task a_rebuild_swaps_a_new_schema_in_while_queries_keep_answering_and_drops_the_old_one()
    {
        var database = await PostgresReadSide.NewDatabaseAsync();
        await using var shop = await PostgresReadSide.StartAsync(database, new InMemoryEventStore(), b => b.Options.ProjectionBatchSize = 5);
        var head = await shop.SeedAsync(30);
        var admin = shop.Provider.GetRequiredService<ProjectionAdmin>();
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        await WaitAllAsync(shop, head);
        var before = await shop.DumpAsync();
        var oldSchema = shop.ReadModels.SchemaOf("catalog.v1", 1);

        Assert.Equal(ProjectionActionResult.Done, admin.StartRebuild("catalog.v1"));
        Assert.Equal(ProjectionActionResult.AlreadyRebuilding, admin.StartRebuild("catalog.v1"));
        while ((await admin.GetAsync("catalog.v1"))!.Rebuild!.State == RebuildState.Running)
        {
            var page = await queries.QueryAsync(new ListProducts(), head);
            Assert.Equal(2, page.Value!.Count(p => p.Name is "Novel" or "Atlas"));
        }
        Assert.Equal(RebuildState.Completed, (await admin.GetAsync("catalog.v1"))!.Rebuild!.State);
        Assert.Equal(before, await shop.DumpAsync());
        await using var connection = new NpgsqlConnection(database);
        var generations = (await connection.QueryAsync<(int, bool)>("SELECT generation, serving FROM tessera_read.generations WHERE projection = 'catalog.v1'")).ToList();
        Assert.Equal((2, true), Assert.Single(generations));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM information_schema.schemata WHERE schema_name = @oldSchema", new { oldSchema }));
    }

    [Fact]
    public async Task a_poison_event_stops_the_projection_right_before_it_until_an_operator_skips_it()
    {
        var store = new InMemoryEventStore();
        var database = await PostgresReadSide.NewDatabaseAsync();
        GlobalPosition last;
        await using (var shop = await PostgresReadSide.StartAsync(database, store, b => b.AddProjection<CategoryNamesProjection>()))
        {
            var admin = shop.Provider.GetRequiredService<ProjectionAdmin>();
            var good = await shop.SendAsync(new AddCategory(CategoryId.New(), "Garden"));
            var poison = await shop.SendAsync(new AddCategory(CategoryId.New(), "poison"));
            var after = await shop.SendAsync(new AddCategory(CategoryId.New(), "Kitchen"));
            last = after.Position;

            var failed = await admin.WaitForStateAsync(CategoryNamesProjection.ProjectionName, ProjectionState.Failed);
            Assert.True(failed.Error!.Position == poison.Position, $"stopped at {failed.Error.Position} instead of the poison event at {poison.Position}: {failed.Error.Message}");
            Assert.InRange(failed.Checkpoint.Value, good.Position.Value, poison.Position.Value - 1);
            Assert.Equal(["Garden"], await NamesAsync(shop));

            Assert.Equal(ProjectionActionResult.Done, await admin.SkipAsync(CategoryNamesProjection.ProjectionName));
            Assert.True(await admin.WaitForPositionAsync(after.Position, Long, CategoryNamesProjection.ProjectionName));
            Assert.Equal(["Garden", "Kitchen"], await NamesAsync(shop));
            await using var connection = new NpgsqlConnection(database);
            Assert.Equal(failed.Error.EventId, await connection.ExecuteScalarAsync<Guid>("SELECT event_id FROM tessera_read.skipped WHERE projection = @p", new { p = CategoryNamesProjection.ProjectionName }));
        }

        // After a restart, a rebuild replays the poison event and passes over it again: the skip was stored.
        await using var restarted = await PostgresReadSide.StartAsync(database, store, b => b.AddProjection<CategoryNamesProjection>());
        var again = restarted.Provider.GetRequiredService<ProjectionAdmin>();
        Assert.True(await again.WaitForPositionAsync(last, Long, CategoryNamesProjection.ProjectionName));
        Assert.Equal(ProjectionActionResult.Done, again.StartRebuild(CategoryNamesProjection.ProjectionName));
        RebuildProgress rebuild;
        while ((rebuild = (await again.GetAsync(CategoryNamesProjection.ProjectionName))!.Rebuild!).State == RebuildState.Running)
        {
            await Task.Delay(10);
        }
        Assert.True(rebuild.State == RebuildState.Completed, $"rebuild {rebuild.State}: {rebuild.Error?.Message}");
        Assert.Equal(["Garden", "Kitchen"], await NamesAsync(restarted));
    }

    private static async Task<List<string>> NamesAsync(PostgresReadSide shop)
    {
        await using var connection = await shop.ReadModels.OpenReadConnectionAsync(CategoryNamesProjection.ProjectionName, CancellationToken.None);
        return [.. await connection.QueryAsync<string>("SELECT name FROM category_names_seen ORDER BY name")];
    }

    private static async Task WaitAllAsync(PostgresReadSide side, GlobalPosition head)
    {
        var admin = side.Provider.GetRequiredService<ProjectionAdmin>();
        foreach (var name in Portable)
        {
            Assert.True(await admin.WaitForPositionAsync(head, Long, name), name);
        }
    }
}

/// <summary>Remembers category names; a category named "poison" makes it throw.</summary>
public sealed class CategoryNamesProjection : ISqlProjection
{
    public const string ProjectionName = "category-names-seen.v1";

    public string Name => ProjectionName;

    public string Schema => "CREATE TABLE category_names_seen (category_id TEXT PRIMARY KEY, name TEXT NOT NULL);";

    public static Task When(CategoryAdded e, SqlBatch b) =>
        e.Name == "poison"
            ? throw new InvalidOperationException("a poison event")
            : b.Connection.ExecuteAsync("INSERT INTO category_names_seen VALUES (@Id, @Name) ON CONFLICT (category_id) DO NOTHING", new { Id = e.Id.Value, e.Name }, b.Transaction);
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

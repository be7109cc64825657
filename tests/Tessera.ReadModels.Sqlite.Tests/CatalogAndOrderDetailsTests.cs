using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels.Catalog;
using Shop.ReadModels.OrderDetails;
using Tessera.Commands;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;

namespace Tessera.ReadModels.Sqlite.Tests;

/// <summary>The catalog.v1 and order-details.v1 projections: events in through the real runner, rows out of their SQLite files.</summary>
public sealed class CatalogAndOrderDetailsTests
{
    private const string Catalog = "catalog.v1";
    private const string OrderDetails = "order-details.v1";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task the_catalog_has_one_row_per_product_with_its_category_and_latest_price()
    {
        using var folder = new TempFolder();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore());
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var books = CategoryId.New();
        await shop.SendAsync(new AddCategory(books, "Books"));
        var novel = ProductId.New();
        var atlas = ProductId.New();
        await shop.SendAsync(new AddProduct(novel, books, "Novel", 10m));
        await shop.SendAsync(new AddProduct(atlas, books, "Atlas", 25.5m));
        await shop.SendAsync(new ChangeProductPrice(novel, 12.25m));
        var last = await shop.SendAsync(new ChangeProductPrice(novel, 11m));

        var products = (await queries.QueryAsync(new ListProducts(), last.Position)).Value!;
        Assert.Equal(
            [("Atlas", atlas.Value, books.Value, 25.5m), ("Novel", novel.Value, books.Value, 11m)],
            products.Select(p => (p.Name, p.ProductId, p.CategoryId, p.Price)));
        var one = (await queries.QueryAsync(new GetProduct(atlas), last.Position)).Value!;
        Assert.Equal(("Atlas", 25.5m), (one.Name, one.Price));
        Assert.Equal(QueryStatus.NotFound, (await queries.QueryAsync(new GetProduct(ProductId.New()), last.Position)).Status);

        // The rows in the projection's own SQLite file, as stored.
        var rows = await RowsAsync(shop, Catalog, "SELECT name || ' ' || price FROM catalog_products ORDER BY name");
        Assert.Equal([("Atlas", 25.5m), ("Novel", 11m)], rows.Select(r => r.Split(' ')).Select(r => (r[0], decimal.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(last.Position.Value, await CheckpointAsync(shop, Catalog));
    }

    [Fact]
    public async Task order_details_keep_the_lines_in_order_and_one_step_per_event_with_its_user_and_signature()
    {
        using var folder = new TempFolder();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore());
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var books = CategoryId.New();
        await shop.SendAsync(new AddCategory(books, "Books"));
        var novel = ProductId.New();
        var atlas = ProductId.New();
        await shop.SendAsync(new AddProduct(novel, books, "Novel", 40m));
        await shop.SendAsync(new AddProduct(atlas, books, "Atlas", 80m));
        var order = OrderId.New();
        var placed = await shop.SendAsync(new PlaceOrder(order, CustomerId.From("alice"), "Alice", [new OrderLine(novel, "Novel", 2, 40m), new OrderLine(atlas, "Atlas", 1, 80m)]));
        var paid = await shop.SendAsync(new MarkOrderAsPaid(order, 160m, "PAY-7"));
        var signed = new CommandContext { User = ShopReadSide.Staff, Signature = new SignatureBlock("sam", "approved", "pw") };
        var refunded = await shop.SendAsync(new RefundOrder(order, 150m, "Damaged"), signed);
        var other = OrderId.New();
        await shop.SendAsync(new PlaceOrder(other, CustomerId.From("bob"), "Bob", [new OrderLine(novel, "Novel", 1, 40m)]));
        var cancelled = await shop.SendAsync(new CancelOrder(other, "Changed mind"));

        var lines = (await queries.QueryAsync(new ListOrderLines(order), cancelled.Position)).Value!;
        Assert.Equal([(novel.Value, "Novel", 2, 40m), (atlas.Value, "Atlas", 1, 80m)], lines.Select(l => (l.ProductId, l.ProductName, l.Quantity, l.UnitPrice)));

        var steps = (await queries.QueryAsync(new ListOrderSteps(order), cancelled.Position)).Value!;
        Assert.Equal(
            [
                (placed.Position.Value, "placed", "Placed, total 160.00", 0m),
                (paid.Position.Value, "paid", "Paid 160.00 (reference PAY-7)", 160m),
                (refunded.Position.Value, "refunded", "Refunded 150.00: Damaged", 150m),
            ],
            steps.Select(s => (s.Position, s.Kind, s.What, s.Amount)));
        Assert.All(steps, s => Assert.Equal("sam", s.User));
        Assert.All(steps.Take(2), s => Assert.Null(s.Signer));
        var refund = steps[2];
        Assert.Equal(("sam", "approved"), (refund.Signer, refund.Meaning));
        Assert.False(string.IsNullOrEmpty(refund.CommandHash));
        Assert.NotNull(refund.SignedAt);
        Assert.False(string.IsNullOrEmpty(refund.Method));

        var otherSteps = (await queries.QueryAsync(new ListOrderSteps(other), cancelled.Position)).Value!;
        Assert.Equal(["placed", "cancelled"], otherSteps.Select(s => s.Kind));
        Assert.Equal("Cancelled: Changed mind", otherSteps[1].What);
        Assert.Empty((await queries.QueryAsync(new ListOrderLines(OrderId.New()), cancelled.Position)).Value!);

        var stored = await RowsAsync(shop, OrderDetails, "SELECT order_id || ' ' || line_no || ' ' || quantity FROM order_detail_lines ORDER BY order_id, line_no");
        Assert.Equal(3, stored.Count);
        Assert.Equal(5, (await RowsAsync(shop, OrderDetails, "SELECT kind FROM order_detail_steps")).Count);
    }

    [Fact]
    public async Task a_price_change_for_a_product_the_catalog_never_saw_adds_no_row()
    {
        using var folder = new TempFolder();
        var store = new InMemoryEventStore();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, store);
        var books = CategoryId.New();
        await shop.SendAsync(new AddCategory(books, "Books"));
        var known = ProductId.New();
        await shop.SendAsync(new AddProduct(known, books, "Novel", 10m));
        // Written straight to the store, as an event from before the catalog existed would be: the update finds no row.
        var serializer = shop.Provider.GetRequiredService<Tessera.Serialization.MessageSerializer>();
        var stray = ProductId.New();
        var appended = await store.AppendAsync(StreamName.For(Product.StreamCategory, stray), ExpectedVersion.Any,
            [new EventData(Guid.NewGuid(), "shop.product-price-changed.v1", serializer.Serialize(new ProductPriceChanged(stray, 3m, 2m)), new Tessera.Messages.EventMetadata { Time = DateTimeOffset.UtcNow })]);
        Assert.True(await shop.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(appended.Position, Long, Catalog));
        Assert.Equal(["Novel"], await RowsAsync(shop, Catalog, "SELECT name FROM catalog_products"));
        Assert.Equal(ProjectionState.Running, (await shop.Provider.GetRequiredService<ProjectionAdmin>().GetAsync(Catalog))!.State);
    }

    [Fact]
    public async Task replaying_every_event_again_by_a_rebuild_gives_the_same_rows()
    {
        using var folder = new TempFolder();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore(), b => b.Options.ProjectionBatchSize = 4);
        var head = await shop.SeedAsync(12);
        var admin = shop.Provider.GetRequiredService<ProjectionAdmin>();
        Assert.True(await admin.WaitForPositionAsync(head, Long));
        foreach (var (projection, tables) in new[] { (Catalog, new[] { "catalog_products" }), (OrderDetails, new[] { "order_detail_lines", "order_detail_steps" }) })
        {
            var before = await DumpAsync(shop, projection, tables);
            Assert.NotEmpty(before);
            Assert.Equal(ProjectionActionResult.Done, admin.StartRebuild(projection));
            while ((await admin.GetAsync(projection))!.Rebuild!.State == RebuildState.Running)
            {
                await Task.Delay(5);
            }
            Assert.Equal(RebuildState.Completed, (await admin.GetAsync(projection))!.Rebuild!.State);
            Assert.Equal(before, await DumpAsync(shop, projection, tables));
        }
    }

    private static async Task<List<string>> RowsAsync(ShopReadSide shop, string projection, string sql)
    {
        await using var connection = await shop.Provider.GetRequiredService<SqliteReadModelStore>().OpenReadConnectionAsync(projection, CancellationToken.None);
        return [.. await connection.QueryAsync<string>(sql)];
    }

    private static async Task<long> CheckpointAsync(ShopReadSide shop, string projection) =>
        (await shop.Provider.GetRequiredService<ProjectionAdmin>().GetAsync(projection))!.Checkpoint.Value;

    private static async Task<List<string>> DumpAsync(ShopReadSide shop, string projection, string[] tables)
    {
        var lines = new List<string>();
        foreach (var table in tables)
        {
            lines.AddRange(await RowsAsync(shop, projection, Dump(table)));
        }
        return lines;
    }

    private static string Dump(string table) => table switch
    {
        "catalog_products" => "SELECT product_id || '|' || category_id || '|' || name || '|' || price FROM catalog_products ORDER BY product_id",
        "order_detail_lines" => "SELECT order_id || '|' || line_no || '|' || product_id || '|' || product_name || '|' || quantity || '|' || unit_price FROM order_detail_lines ORDER BY order_id, line_no",
        _ => "SELECT position || '|' || order_id || '|' || kind || '|' || what || '|' || amount || '|' || time || '|' || coalesce(user_name, '') || '|' || coalesce(signer, '') FROM order_detail_steps ORDER BY position",
    };
}

using Lab.Animals;
using Lab.ReadModels.OpenTasks;
using Lab.ReadModels.TaskSignatures;
using Lab.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels.Categories;
using Shop.ReadModels.OrderSummaries;
using Shop.ReadModels.ProductSales;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace Tessera.ReadModels.Sqlite.Tests;

public sealed class ShopReadModelTests
{
    [Fact]
    public async Task order_summaries_categories_and_sales_follow_the_commands()
    {
        using var folder = new TempFolder();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore());
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var toys = CategoryId.New();
        var added = await shop.SendAsync(new AddCategory(toys, "Toys"));
        Assert.False((await queries.QueryAsync(new CanAddCategory("  toys "), added.Position)).Value!.CanAdd);
        Assert.True((await queries.QueryAsync(new CanAddCategory("Games"), added.Position)).Value!.CanAdd);
        var ball = ProductId.New();
        await shop.SendAsync(new AddProduct(ball, toys, "Ball", 3.5m));
        var order = OrderId.New();
        var placed = await shop.SendAsync(new PlaceOrder(order, CustomerId.From("alice"), "Alice", [new OrderLine(ball, "Ball", 4, 3.5m)]));

        var summary = (await queries.QueryAsync(new GetOrderSummary(order), placed.Position)).Value!;
        Assert.Equal(order.Value, summary.OrderId);
        Assert.Equal(("alice", "Alice", "Placed", 4, 14m, "Toys"), (summary.CustomerId, summary.CustomerName, summary.Status, summary.ItemCount, summary.Total, summary.CategoryNames));
        Assert.Null(summary.PaidAt);

        var paid = await shop.SendAsync(new MarkOrderAsPaid(order, 14m, "PAY"));
        summary = (await queries.QueryAsync(new GetOrderSummary(order), paid.Position)).Value!;
        Assert.Equal("Paid", summary.Status);
        Assert.NotNull(summary.PaidAt);

        var categories = (await queries.QueryAsync(new ListCategories(), paid.Position)).Value!;
        Assert.Equal(1, Assert.Single(categories).ProductCount);
        var sales = Assert.Single((await queries.QueryAsync(new GetProductSales(ball), paid.Position)).Value!);
        Assert.Equal((4, 1400L), (sales.Quantity, sales.RevenueCents));
        Assert.Equal(QueryStatus.NotFound, (await queries.QueryAsync(new GetOrderSummary(OrderId.New()), paid.Position)).Status);
    }

    [Fact]
    public async Task orders_page_by_customer_and_by_status_newest_first()
    {
        using var folder = new TempFolder();
        await using var shop = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore());
        var last = await shop.SeedAsync(10);
        var queries = shop.Provider.GetRequiredService<QueryBus>();

        var first = (await queries.QueryAsync(new ListOrdersByCustomer(CustomerId.From("alice"), 1, 3), last)).Value!;
        var second = (await queries.QueryAsync(new ListOrdersByCustomer(CustomerId.From("alice"), 2, 3), last)).Value!;
        Assert.Equal(3, first.Items.Count);
        Assert.Equal(2, second.Items.Count);
        Assert.All(first.Items.Concat(second.Items), s => Assert.Equal("alice", s.CustomerId));
        Assert.Empty(first.Items.Select(s => s.OrderId).Intersect(second.Items.Select(s => s.OrderId)));
        Assert.True(first.Items[0].PlacedAt >= first.Items[^1].PlacedAt);

        var paid = (await queries.QueryAsync(new ListOrdersByStatus(OrderStatus.Paid, 1, 100), last)).Value!;
        Assert.Equal(3, paid.Items.Count);
        Assert.All(paid.Items, s => Assert.Equal("Paid", s.Status));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queries.QueryAsync(new ListOrdersByStatus(OrderStatus.Paid, 0, 10)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queries.QueryAsync(new ListOrdersByStatus(OrderStatus.Paid, 1, 1000)));
    }

    [Fact]
    public async Task lab_open_tasks_and_the_signature_audit_trail_follow_the_commands()
    {
        using var folder = new TempFolder();
        await using var lab = await ShopReadSide.StartAsync(folder.Path, new InMemoryEventStore());
        var queries = lab.Provider.GetRequiredService<QueryBus>();
        var animal = AnimalId.New();
        await lab.SendAsync(new RegisterAnimal(animal, "Rex", "dog"));
        var done = TaskId.New();
        var open = TaskId.New();
        await lab.SendAsync(new ScheduleNewTask(done, animal, "Weigh", new DateOnly(2026, 12, 3)));
        var scheduled = await lab.SendAsync(new ScheduleNewTask(open, animal, "Feed", new DateOnly(2026, 12, 4)));
        Assert.Equal(2, (await queries.QueryAsync(new ListOpenTasks(animal), scheduled.Position)).Value!.Count);

        var signed = new CommandContext { User = ShopReadSide.Staff, Signature = new SignatureBlock("sam", "performed", "pw") };
        var completed = await lab.SendAsync(new CompleteTask(done, "12 kg"), signed);

        var remaining = Assert.Single((await queries.QueryAsync(new ListOpenTasks(animal), completed.Position)).Value!);
        Assert.Equal(open.Value, remaining.TaskId);
        var signature = Assert.Single((await queries.QueryAsync(new GetTaskSignatures(done), completed.Position)).Value!);
        Assert.Equal(("sam", "performed", "12 kg"), (signature.Signer, signature.Meaning, signature.Outcome));
        Assert.NotEmpty(signature.CommandHash);
    }
}

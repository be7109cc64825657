using Lab.Animals;
using Lab.ReadModels.OpenTasks;
using Lab.ReadModels.TaskSignatures;
using Lab.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels.Catalog;
using Shop.ReadModels.Categories;
using Shop.ReadModels.OrderDetails;
using Shop.ReadModels.OrderSummaries;
using Shop.ReadModels.ProductSales;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

/// <summary>
/// The Shop and Lab read models, written for SQLite, run unchanged on PostgreSQL.
/// </summary>
public sealed class PostgresShopReadModelTests
{
    [Fact]
    public async Task categories_sales_catalog_and_order_details_follow_the_commands()
    {
        await using var shop = await PostgresReadSide.StartAsync(await PostgresReadSide.NewDatabaseAsync(), new InMemoryEventStore());
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var toys = CategoryId.New();
        var added = await shop.SendAsync(new AddCategory(toys, "Toys"));
        Assert.False((await queries.QueryAsync(new CanAddCategory("  toys "), added.Position)).Value!.CanAdd);
        Assert.True((await queries.QueryAsync(new CanAddCategory("Games"), added.Position)).Value!.CanAdd);
        var ball = ProductId.New();
        await shop.SendAsync(new AddProduct(ball, toys, "Ball", 3.5m));
        var order = OrderId.New();
        var placed = await shop.SendAsync(new PlaceOrder(order, CustomerId.From("alice"), "Alice", [new OrderLine(ball, "Ball", 4, 3.5m)]));

        var paid = await shop.SendAsync(new MarkOrderAsPaid(order, 14m, "PAY"));
        var categories = (await queries.QueryAsync(new ListCategories(), paid.Position)).Value!;
        Assert.Equal(1, Assert.Single(categories).ProductCount);
        var sales = Assert.Single((await queries.QueryAsync(new GetProductSales(ball), paid.Position)).Value!);
        Assert.Equal((4, 1400L), (sales.Quantity, sales.RevenueCents));
        var product = (await queries.QueryAsync(new GetProduct(ball), paid.Position)).Value!;
        Assert.Equal(("Ball", 3.5m), (product.Name, product.Price));
        var steps = (await queries.QueryAsync(new ListOrderSteps(order), paid.Position)).Value!;
        Assert.Equal(2, steps.Count);
        Assert.Equal(QueryStatus.NotFound, (await queries.QueryAsync(new GetProduct(ProductId.New()), paid.Position)).Status);
    }

    [Fact]
    public async Task order_summaries_carry_the_category_names_of_every_line_and_page_by_customer_and_status()
    {
        await using var shop = await PostgresReadSide.StartAsync(await PostgresReadSide.NewDatabaseAsync(), new InMemoryEventStore());
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var toys = CategoryId.New();
        var books = CategoryId.New();
        await shop.SendAsync(new AddCategory(toys, "Toys"));
        await shop.SendAsync(new AddCategory(books, "Books"));
        var ball = ProductId.New();
        var atlas = ProductId.New();
        var kite = ProductId.New();
        await shop.SendAsync(new AddProduct(ball, toys, "Ball", 3.5m));
        await shop.SendAsync(new AddProduct(atlas, books, "Atlas", 20m));
        await shop.SendAsync(new AddProduct(kite, toys, "Kite", 9m));
        var order = OrderId.New();
        await shop.SendAsync(new PlaceOrder(order, CustomerId.From("alice"), "Alice", [new OrderLine(ball, "Ball", 2, 3.5m), new OrderLine(atlas, "Atlas", 1, 20m), new OrderLine(kite, "Kite", 1, 9m)]));
        var other = OrderId.New();
        var placed = await shop.SendAsync(new PlaceOrder(other, CustomerId.From("bob"), "Bob", [new OrderLine(kite, "Kite", 3, 9m)]));
        var paid = await shop.SendAsync(new MarkOrderAsPaid(order, 36m, "PAY"));

        var summary = (await queries.QueryAsync(new GetOrderSummary(order), paid.Position)).Value!;
        Assert.Equal(("Alice", "Paid", 4, 36m, "Books, Toys"), (summary.CustomerName, summary.Status, summary.ItemCount, summary.Total, summary.CategoryNames));
        Assert.NotNull(summary.PaidAt);
        Assert.Equal("Toys", (await queries.QueryAsync(new GetOrderSummary(other), placed.Position)).Value!.CategoryNames);
        var placedOnes = (await queries.QueryAsync(new ListOrdersByStatus(OrderStatus.Placed, 1, 10), paid.Position)).Value!;
        Assert.Equal(other.Value, Assert.Single(placedOnes.Items).OrderId);
    }

    [Fact]
    public async Task lab_open_tasks_and_the_signature_audit_trail_follow_the_commands()
    {
        await using var lab = await PostgresReadSide.StartAsync(await PostgresReadSide.NewDatabaseAsync(), new InMemoryEventStore());
        var queries = lab.Provider.GetRequiredService<QueryBus>();
        var animal = AnimalId.New();
        await lab.SendAsync(new RegisterAnimal(animal, "Rex", "dog"));
        var done = TaskId.New();
        var open = TaskId.New();
        await lab.SendAsync(new ScheduleNewTask(done, animal, "Weigh", new DateOnly(2026, 12, 3)));
        var scheduled = await lab.SendAsync(new ScheduleNewTask(open, animal, "Feed", new DateOnly(2026, 12, 4)));
        Assert.Equal(2, (await queries.QueryAsync(new ListOpenTasks(animal), scheduled.Position)).Value!.Count);

        var signed = new CommandContext { User = PostgresReadSide.Staff, Signature = new SignatureBlock("sam", "performed", "pw") };
        var completed = await lab.SendAsync(new CompleteTask(done, "12 kg"), signed);

        var remaining = Assert.Single((await queries.QueryAsync(new ListOpenTasks(animal), completed.Position)).Value!);
        Assert.Equal(open.Value, remaining.TaskId);
        var signature = Assert.Single((await queries.QueryAsync(new GetTaskSignatures(done), completed.Position)).Value!);
        Assert.Equal(("sam", "performed", "12 kg"), (signature.Signer, signature.Meaning, signature.Outcome));
        Assert.NotEmpty(signature.CommandHash);
    }
}

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
using Shop.ReadModels.ProductSales;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

/// <summary>
/// The Shop and Lab read models, written for SQLite, run unchanged on PostgreSQL (all but order-summaries.v1, whose
/// <c>IN @Products</c> Dapper passes to Npgsql as one array parameter).
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

using System.Security.Claims;
using Lab;
using Lab.ReadModels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Shop;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels;
using Tessera.Commands;
using Tessera.TestServers;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

/// <summary>A Shop (and Lab) with PostgreSQL read models in a database of their own, over a given event store.</summary>
public sealed class PostgresReadSide : IAsyncDisposable
{
    public static readonly ClaimsPrincipal Staff = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "sam"), new Claim(ClaimTypes.Role, ShopRoles.Staff), new Claim(ClaimTypes.Role, LabRoles.Manager)], "test"));

    private PostgresReadSide(ServiceProvider provider) => Provider = provider;

    public ServiceProvider Provider { get; }

    public CommandBus Bus => Provider.GetRequiredService<CommandBus>();

    internal PostgresReadModelStore ReadModels => Provider.GetRequiredService<PostgresReadModelStore>();

    /// <summary>Starts a read side whose read models live in <paramref name="connectionString"/>; without <paramref name="store"/>, <paramref name="more"/> registers one.</summary>
    public static async Task<PostgresReadSide> StartAsync(string connectionString, IEventStore? store, Action<TesseraBuilder>? more = null, string? replica = null)
    {
        var services = new ServiceCollection();
        if (store is not null)
        {
            services.AddSingleton(store);
        }
        services.AddTessera(b =>
        {
            b.AddShop().AddShopReadModels().AddLab().AddLabReadModels();
            b.UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string> { ["sam"] = PasswordSignatureVerifier.HashPassword("pw", 1_000) }));
            b.UsePostgresReadModels(connectionString, replica);
            more?.Invoke(b);
        });
        var provider = services.BuildServiceProvider();
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
        return new PostgresReadSide(provider);
    }

    /// <summary>Creates an empty database on the shared cluster and returns its connection string.</summary>
    public static async Task<string> NewDatabaseAsync(PostgresServer? server = null)
    {
        server ??= await SharedPostgres.GetAsync();
        var name = "rm_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return server.ConnectionString(name);
    }

    public async Task<CommandResult> SendAsync(Tessera.Messages.ICommand command, CommandContext? context = null)
    {
        var result = await Bus.SendAsync(command, context ?? new CommandContext { User = Staff });
        return result.IsAccepted ? result : throw new InvalidOperationException($"{command.GetType().Name}: {result.Status} {result.Reason} {string.Join("; ", result.Violations.Select(v => v.Code))}");
    }

    /// <summary>A category, two products and <paramref name="orders"/> orders, some paid; returns the last position.</summary>
    public async Task<GlobalPosition> SeedAsync(int orders, string prefix = "Books")
    {
        var books = CategoryId.New();
        await SendAsync(new AddCategory(books, $"{prefix} {Guid.NewGuid():N}"));
        var novel = ProductId.New();
        var atlas = ProductId.New();
        await SendAsync(new AddProduct(novel, books, "Novel", 10m));
        var last = await SendAsync(new AddProduct(atlas, books, "Atlas", 25m));
        for (var i = 0; i < orders; i++)
        {
            var order = OrderId.New();
            var lines = new[] { new OrderLine(novel, "Novel", 1 + (i % 3), 10m), new OrderLine(atlas, "Atlas", 1, 25m) };
            last = await SendAsync(new PlaceOrder(order, CustomerId.From(i % 2 == 0 ? "alice" : "bob"), i % 2 == 0 ? "Alice" : "Bob", lines));
            if (i % 4 == 0)
            {
                last = await SendAsync(new MarkOrderAsPaid(order, 10m * (1 + (i % 3)) + 25m, $"PAY-{i}"));
            }
        }
        return last.Position;
    }

    /// <summary>Every row of every table of the serving generations of the Shop's projections, as text, in a fixed order.</summary>
    public async Task<List<string>> DumpAsync()
    {
        var lines = new List<string>();
        foreach (var projection in new[] { "order-summaries.v1", "category-list.v1", "product-sales.v1", "order-details.v1", "catalog.v1" })
        {
            await using var connection = (NpgsqlConnection)await ReadModels.OpenReadConnectionAsync(projection, CancellationToken.None);
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'tessera_checkpoint' ORDER BY 1", connection))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }
            foreach (var table in tables)
            {
                await using var command = new NpgsqlCommand($"SELECT * FROM {table} ORDER BY 1, 2", connection);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
        await Provider.DisposeAsync();
    }
}

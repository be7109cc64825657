using System.Security.Claims;
using Lab;
using Lab.ReadModels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels;
using Tessera.Commands;
using Tessera.Storage;

namespace Tessera.ReadModels.Sqlite.Tests;

/// <summary>A Shop (and Lab) with SQLite read models in a throwaway folder, over a shared in-memory event store.</summary>
public sealed class ShopReadSide : IAsyncDisposable
{
    public static readonly ClaimsPrincipal Staff = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "sam"), new Claim(ClaimTypes.Role, ShopRoles.Staff), new Claim(ClaimTypes.Role, LabRoles.Manager)], "test"));

    private ShopReadSide(ServiceProvider provider) => Provider = provider;

    public ServiceProvider Provider { get; }

    public CommandBus Bus => Provider.GetRequiredService<CommandBus>();

    public static async Task<ShopReadSide> StartAsync(string folder, IEventStore store, Action<TesseraBuilder>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddTessera(b =>
        {
            b.AddShop().AddShopReadModels().AddLab().AddLabReadModels();
            b.UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string> { ["sam"] = PasswordSignatureVerifier.HashPassword("pw", 1_000) }));
            b.UseSqliteReadModels(o => o.DataFolder = folder);
            more?.Invoke(b);
        });
        var provider = services.BuildServiceProvider();
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
        return new ShopReadSide(provider);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
        await Provider.DisposeAsync();
    }
}

/// <summary>A folder deleted at the end of a test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tessera-read-").FullName;

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Tessera;
using Tessera.Commands;
using Tessera.Storage;
using Tessera.Testing;

namespace Shop.Tests;

/// <summary>The Shop as its tests see it: scenarios for each aggregate, and a bus over an in-memory store.</summary>
public static class ShopTestApp
{
    public const string StaffPassword = "staff-secret";

    public static readonly ClaimsPrincipal Staff = User("sam", ShopRoles.Staff);

    public static readonly ClaimsPrincipal Alice = User("alice", ShopRoles.Customer);

    public static readonly AggregateScenario<Order, OrderState> Orders = AggregateScenario.For<Order, OrderState>(Configure);

    public static readonly AggregateScenario<Category, CategoryState> Categories = AggregateScenario.For<Category, CategoryState>(Configure);

    public static readonly AggregateScenario<Product, ProductState> Products = AggregateScenario.For<Product, ProductState>(Configure);

    public static void Configure(TesseraBuilder builder) => builder
        .AddShop(new ShopOptions { RefundSignatureLimit = 100m })
        .UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string> { ["sam"] = PasswordSignatureVerifier.HashPassword(StaffPassword, 1_000) }));

    public static CommandBus Bus(IEventStore? store = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store ?? new InMemoryEventStore());
        services.AddTessera(Configure);
        return services.BuildServiceProvider().GetRequiredService<CommandBus>();
    }

    public static CommandContext As(ClaimsPrincipal user) => new() { User = user };

    public static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));
}

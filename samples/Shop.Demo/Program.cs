using Microsoft.Extensions.DependencyInjection;
using Shop;
using Shop.Demo;
using Tessera;
using Tessera.Commands;

// The Shop demo: runs Shop commands through the command bus on the embedded defaults and prints what happens.
var signers = new Dictionary<string, string> { ["sam"] = PasswordSignatureVerifier.HashPassword("sam-secret") };
var services = new ServiceCollection();
services.AddTessera(b => b
    .AddShop(new ShopOptions { RefundSignatureLimit = 100m })
    .UseSignatureVerifier(new PasswordSignatureVerifier(signers))
    .UseInMemoryStore());
await using var provider = services.BuildServiceProvider();
var demo = new ShopDemo(provider.GetRequiredService<CommandBus>(), provider.GetRequiredService<Tessera.Storage.IEventStore>(), Console.Out);
return await demo.RunAsync();

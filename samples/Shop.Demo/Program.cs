using Microsoft.Extensions.DependencyInjection;
using Shop;
using Shop.Demo;
using Tessera;
using Tessera.Commands;
using Tessera.Storage.Embedded;

// The Shop demo: runs Shop commands through the command bus on the embedded store and prints what happens.
var folder = args.Length > 0 ? args[0] : Path.Combine(".tessera-data", "shop-demo");
var signers = new Dictionary<string, string> { ["sam"] = PasswordSignatureVerifier.HashPassword("sam-secret") };
var services = new ServiceCollection();
services.AddTessera(b => b
    .AddShop(new ShopOptions { RefundSignatureLimit = 100m })
    .UseSignatureVerifier(new PasswordSignatureVerifier(signers))
    .UseEmbeddedStore(store => store.DataFolder = folder));
int exit;
await using (var provider = services.BuildServiceProvider())
{
    var demo = new ShopDemo(provider.GetRequiredService<CommandBus>(), provider.GetRequiredService<Tessera.Storage.IEventStore>(), Console.Out);
    exit = await demo.RunAsync();
}

// Everything acknowledged was on disk before its ack: open the folder again and count what is there.
await using (var reopened = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder }))
{
    Console.WriteLine($"Reopened {Path.GetFullPath(folder)}: {(await reopened.ReadHeadAsync()).Value} events on disk.");
}
return exit;

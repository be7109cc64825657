using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop;
using Shop.Demo;
using Shop.ReadModels;
using Tessera;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.ReadModels.Sqlite;
using Tessera.Storage.Embedded;

// The Shop demo: runs Shop commands through the command bus on the embedded store and prints what happens.
var folder = args.Length > 0 ? args[0] : Path.Combine(".tessera-data", "shop-demo");
var signers = new Dictionary<string, string> { ["sam"] = PasswordSignatureVerifier.HashPassword("sam-secret") };
var services = new ServiceCollection();
services.AddTessera(b => b
    .AddShop(new ShopOptions { RefundSignatureLimit = 100m })
    .UseSignatureVerifier(new PasswordSignatureVerifier(signers))
    .AddShopReadModels()
    .UseEmbeddedStore(store => store.DataFolder = folder)
    .UseSqliteReadModels(read => read.DataFolder = Path.Combine(folder, "read-models")));
int exit;
await using (var provider = services.BuildServiceProvider())
{
    var hosted = provider.GetServices<IHostedService>().ToList();
    foreach (var service in hosted)
    {
        await service.StartAsync(CancellationToken.None);
    }
    var demo = new ShopDemo(provider.GetRequiredService<CommandBus>(), provider.GetRequiredService<QueryBus>(), provider.GetRequiredService<Tessera.Storage.IEventStore>(), Console.Out);
    exit = await demo.RunAsync();
    hosted.Reverse();
    foreach (var service in hosted)
    {
        await service.StopAsync(CancellationToken.None);
    }
}

// Everything acknowledged was on disk before its ack: open the folder again and count what is there.
await using (var reopened = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder }))
{
    Console.WriteLine($"Reopened {Path.GetFullPath(folder)}: {(await reopened.ReadHeadAsync()).Value} events on disk.");
}
return exit;

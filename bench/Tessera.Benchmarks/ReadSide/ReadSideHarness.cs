using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels;
using Shop.ReadModels.OrderSummaries;
using Tessera.Messages;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.ReadModels.Sqlite;
using Tessera.Serialization;
using Tessera.Storage;
using Tessera.Storage.Embedded;

namespace Tessera.Benchmarks.ReadSide;

/// <summary>
/// The read side's figures: catch-up of N Shop events into SQLite, a cached and an uncached GetOrderSummary through
/// the QueryBus, and the live lag from a durable append (embedded store) to the read model at a fixed rate.
/// Usage: readside [events=1000000] [rate=5000] [seconds=10].
/// </summary>
internal static class ReadSideHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var rate = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000;
        var seconds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var folder = Directory.CreateTempSubdirectory("tessera-readside-").FullName;
        try
        {
            var store = new InMemoryEventStore();
            var orders = await SeedAsync(store, events);
            await using (var provider = await StartAsync(store, Path.Combine(folder, "catch-up")))
            {
                var admin = provider.GetRequiredService<ProjectionAdmin>();
                var started = Stopwatch.GetTimestamp();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes();
                var collections = GC.CollectionCount(0);
                await admin.WaitForPositionAsync(await store.ReadHeadAsync(), TimeSpan.FromHours(1));
                var elapsed = Stopwatch.GetElapsedTime(started);
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                // CPU time per event is the figure to compare on a shared machine: wall time depends on what else runs.
                Console.WriteLine($"catch-up: {events:N0} events into {admin.Names.Count} SQLite projections in {elapsed.TotalSeconds:F2} s = {events / elapsed.TotalSeconds:N0} events/s; CPU {cpu.TotalSeconds:F2} s = {cpu.TotalMicroseconds / events:F1} us per event; {(GC.GetTotalAllocatedBytes() - allocated) / events:N0} B allocated per event, {GC.CollectionCount(0) - collections} GCs");
                await QueriesAsync(provider.GetRequiredService<QueryBus>(), orders);
                await StopAsync(provider);
            }
            await LiveLagAsync(Path.Combine(folder, "live"), rate, seconds);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<List<OrderId>> SeedAsync(InMemoryEventStore store, int events)
    {
        var serializer = Serializer();
        var product = ProductId.New();
        var orders = new List<OrderId>(events);
        var time = DateTimeOffset.UtcNow;
        for (var i = 0; i < events; i++)
        {
            var order = OrderId.New();
            orders.Add(order);
            var placed = new OrderPlaced(order, CustomerId.From($"c{i % 1000}"), "Customer", [new OrderLine(product, "Novel", 1 + (i % 3), 10m)], 10m * (1 + (i % 3)), time.AddSeconds(i));
            await store.AppendAsync(StreamName.For(Order.Category, order), ExpectedVersion.NoStream,
                [new EventData(Guid.CreateVersion7(), "shop.order-placed.v1", serializer.Serialize(placed), new EventMetadata { Time = time })]);
        }
        return orders;
    }

    private static async Task QueriesAsync(QueryBus bus, List<OrderId> orders)
    {
        var query = new GetOrderSummary(orders[0]);
        await bus.QueryAsync(query);
        for (var round = 0; round < 3; round++)
        {
            const int Calls = 2_000_000;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Calls; i++)
            {
                var pending = bus.QueryAsync(query);
                if (!pending.IsCompletedSuccessfully)
                {
                    await pending;
                }
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"cached GetOrderSummary: {elapsed.TotalNanoseconds / Calls:F1} ns/call, {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)Calls:F2} B/call");
        }
        for (var round = 0; round < 3; round++)
        {
            // A different order each time: every call misses the cache and reads SQLite by primary key.
            var calls = Math.Min(50_000, (orders.Count - 1) / 3);
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                await bus.QueryAsync(new GetOrderSummary(orders[1 + (round * calls) + i]));
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"uncached GetOrderSummary (SQLite primary key): {elapsed.TotalMicroseconds / calls:F2} us/call");
        }
    }

    private static async Task LiveLagAsync(string folder, int rate, int seconds)
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = Path.Combine(folder, "events") });
        await using var provider = await StartAsync(store, Path.Combine(folder, "read"));
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        var serializer = Serializer();
        var product = ProductId.New();
        var lags = new List<double>();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var total = rate * seconds;
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Yield();
            }
            var order = OrderId.New();
            var placed = new OrderPlaced(order, CustomerId.From("live"), "Live", [new OrderLine(product, "Novel", 1, 10m)], 10m, DateTimeOffset.UtcNow);
            var data = new EventData(Guid.CreateVersion7(), "shop.order-placed.v1", serializer.Serialize(placed), new EventMetadata { Time = DateTimeOffset.UtcNow });
            pending.Add(MeasureAsync(store, admin, StreamName.For(Order.Category, order), data, lags));
        }
        await Task.WhenAll(pending);
        lags.Sort();
        Console.WriteLine($"live lag at {rate}/s for {seconds} s (durable append returned -> order summary visible): p50 {lags[lags.Count / 2]:F2} ms, p99 {lags[(int)(lags.Count * 0.99)]:F2} ms, max {lags[^1]:F2} ms");
        await StopAsync(provider);
    }

    private static async Task MeasureAsync(EmbeddedEventStore store, ProjectionAdmin admin, StreamName stream, EventData data, List<double> lags)
    {
        var result = await store.AppendAsync(stream, ExpectedVersion.NoStream, [data]);
        var appended = Stopwatch.GetTimestamp();
        await admin.WaitForPositionAsync(result.Position, TimeSpan.FromMinutes(1), "order-summaries.v1");
        var lag = Stopwatch.GetElapsedTime(appended).TotalMilliseconds;
        lock (lags)
        {
            lags.Add(lag);
        }
    }

    private static MessageSerializer Serializer()
    {
        var services = new ServiceCollection();
        services.AddTessera(b => b.AddShop().UseSignatureVerifier(new Tessera.Commands.PasswordSignatureVerifier(new Dictionary<string, string>())).UseInMemoryStore());
        return services.BuildServiceProvider().GetRequiredService<MessageSerializer>();
    }

    private static async Task<ServiceProvider> StartAsync(IEventStore store, string folder)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddTessera(b => b.AddShop().AddShopReadModels().UseSignatureVerifier(new Tessera.Commands.PasswordSignatureVerifier(new Dictionary<string, string>())).UseSqliteReadModels(o => o.DataFolder = folder));
        var provider = services.BuildServiceProvider();
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
        return provider;
    }

    private static async Task StopAsync(ServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Nats;
using Tessera.Projections;
using Tessera.ReadModels.Sqlite;
using Tessera.Serialization;
using Tessera.Storage;
using Tessera.Storage.Embedded;
using Tessera.TestServers;

namespace Tessera.Benchmarks.FanOut;

/// <summary>
/// Fan-out lag: a durable append on the embedded store, the relay, a throwaway nats-server with JetStream, and a read
/// instance with no event store (its own DI container and SQLite read DB, fed by <see cref="NatsEventSource"/>) until
/// the order summary is visible there. Also reports the transport part alone: append returned to the event arriving
/// at a second NATS subscriber. Usage: fanout [rate=5000] [seconds=10] [transport]; with "transport" there is no read
/// instance, only the plain subscriber, so the transport is measured without projections sharing the cores.
/// </summary>
internal static class FanOutHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var transportOnly = args.Length > 2 && args[2] == "transport";
        var folder = Directory.CreateTempSubdirectory("tessera-fanout-").FullName;
        await using var nats = await NatsServer.StartAsync();
        var options = new NatsFanOutOptions { Url = nats.Url };
        try
        {
            await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = Path.Combine(folder, "events") });
            if (rate == 0)
            {
                await BulkAsync(store, options, seconds);
                return 0;
            }
            using var stop = new CancellationTokenSource();
            var relay = new NatsEventRelay(store, options);
            var relaying = Task.Run(() => relay.RunAsync(stop.Token), CancellationToken.None);
            await using var reader = transportOnly ? null : await StartReaderAsync(options, Path.Combine(folder, "read"));
            var total = rate * seconds;
            // Times by global position (the store is fresh, so position 1 is the warm-up event and the measured ones run
            // 2..total+1): no waiter per event, which on two cores would cost more than what is measured.
            var appended = new long[total + 2];
            var delivered = new long[total + 2];
            var visible = new long[total + 2];
            var listening = Task.Run(() => ListenAsync(options, delivered, stop.Token), CancellationToken.None);
            var runner = reader?.GetRequiredService<ProjectionRunners>().ByName["order-summaries.v1"];
            var watching = Task.Run(() => runner is null ? AllDeliveredAsync(delivered) : WatchAsync(runner, visible), CancellationToken.None);
            var sampling = Task.Run(() => SampleAsync(store, relay, delivered, runner, nats.Port, stop.Token), CancellationToken.None);

            // One event through every stage first, so that connecting, creating the stream and the consumers, and JIT
            // compilation are not measured: the goal is the steady lag.
            var warmUp = OrderId.New();
            var warmUpData = Serializer().Serialize(new OrderPlaced(warmUp, CustomerId.From("warm-up"), "Warm-up", [new OrderLine(ProductId.New(), "Novel", 1, 10m)], 10m, DateTimeOffset.UtcNow));
            await AppendAsync(store, StreamName.For(Order.Category, warmUp), new EventData(Guid.CreateVersion7(), "shop.order-placed.v1", warmUpData, new EventMetadata { Time = DateTimeOffset.UtcNow }), appended);
            while (Volatile.Read(ref delivered[1]) == 0 || (runner is not null && runner.Checkpoint.Value < 1))
            {
                await Task.Delay(10);
            }
            await OfferAsync(store, rate, total, appended);
            await watching;

            Console.WriteLine($"fan-out at {rate:N0} appends/s for {seconds} s, {total:N0} events (nats-server {nats.Url}):");
            Report("  durable append returned -> delivered to a NATS subscriber", appended, delivered);
            if (runner is not null)
            {
                Report("  durable append returned -> order summary visible on the read instance", appended, visible);
            }
            await stop.CancelAsync();
            await Quietly(relaying);
            await Quietly(listening);
            await Quietly(sampling);
            foreach (var service in reader?.GetServices<IHostedService>().Reverse() ?? [])
            {
                await service.StopAsync(CancellationToken.None);
            }
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>"fanout 0 N": N events stored first, then the time for the relay and NATS to carry them all to a subscriber.</summary>
    private static async Task BulkAsync(EmbeddedEventStore store, NatsFanOutOptions options, int events)
    {
        var serializer = Serializer();
        var product = ProductId.New();
        for (var i = 0; i < events; i += 100)
        {
            var batch = Enumerable.Range(0, Math.Min(100, events - i)).Select(_ =>
            {
                var placed = new OrderPlaced(OrderId.New(), CustomerId.From("bulk"), "Bulk", [new OrderLine(product, "Novel", 1, 10m)], 10m, DateTimeOffset.UtcNow);
                return new EventData(Guid.CreateVersion7(), "shop.order-placed.v1", serializer.Serialize(placed), new EventMetadata { Time = DateTimeOffset.UtcNow });
            }).ToList();
            await store.AppendAsync(new StreamName($"bulk-{i}"), ExpectedVersion.NoStream, batch);
        }
        var head = await store.ReadHeadAsync();
        using var stop = new CancellationTokenSource();
        var delivered = new long[head.Value + 1];
        var started = Stopwatch.GetTimestamp();
        var relay = new NatsEventRelay(store, options);
        var relaying = Task.Run(() => relay.RunAsync(stop.Token), CancellationToken.None);
        var listening = Task.Run(() => ListenAsync(options, delivered, stop.Token), CancellationToken.None);
        while (Volatile.Read(ref delivered[head.Value]) == 0)
        {
            await Task.Delay(10);
        }
        var published = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"bulk: {events:N0} stored events relayed to JetStream and received by a subscriber in {published.TotalSeconds:F2} s = {events / published.TotalSeconds:N0} events/s");
        await stop.CancelAsync();
        await Quietly(relaying);
        await Quietly(listening);
    }

    /// <summary>Appends one order per event at <paramref name="rate"/> per second (in bursts of about a millisecond) and records when each append returned.</summary>
    private static async Task OfferAsync(EmbeddedEventStore store, int rate, int total, long[] appended)
    {
        var serializer = Serializer();
        var product = ProductId.New();
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>(total);
        var issued = 0;
        while (issued < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate) + 1);
            for (; issued < due; issued++)
            {
                var order = OrderId.New();
                var placed = new OrderPlaced(order, CustomerId.From("live"), "Live", [new OrderLine(product, "Novel", 1, 10m)], 10m, DateTimeOffset.UtcNow);
                var data = new EventData(Guid.CreateVersion7(), "shop.order-placed.v1", serializer.Serialize(placed), new EventMetadata { Time = DateTimeOffset.UtcNow });
                pending.Add(AppendAsync(store, StreamName.For(Order.Category, order), data, appended));
            }
            await Task.Delay(1);
        }
        await Task.WhenAll(pending);
    }

    private static async Task AppendAsync(EmbeddedEventStore store, StreamName stream, EventData data, long[] appended)
    {
        var result = await store.AppendAsync(stream, ExpectedVersion.NoStream, [data]);
        Volatile.Write(ref appended[result.Position.Value], Stopwatch.GetTimestamp());
    }

    /// <summary>Records when each position became visible in the projection, until the last one did.</summary>
    private static async Task WatchAsync(ProjectionRunner runner, long[] visible)
    {
        var next = 1L;
        while (next < visible.Length)
        {
            if (!await runner.WaitForAsync(new GlobalPosition(next), CancellationToken.None))
            {
                throw new InvalidOperationException($"The projection stopped short of position {next}: {runner.State}.");
            }
            var now = Stopwatch.GetTimestamp();
            var checkpoint = Math.Min(runner.Checkpoint.Value, visible.Length - 1);
            for (; next <= checkpoint; next++)
            {
                visible[next] = now;
            }
        }
    }

    /// <summary>
    /// Prints once a second how far each stage got (the store's head, what the broker acknowledged to the relay, what
    /// reached the plain subscriber, the projection's checkpoint), the CPU time of this process and of nats-server, and the
    /// thread pool's backlog, to show which stage queues.
    /// </summary>
    private static async Task SampleAsync(EmbeddedEventStore store, NatsEventRelay relay, long[] delivered, ProjectionRunner? runner, int port, CancellationToken stop)
    {
        var process = Process.GetCurrentProcess();
        var server = NatsServerProcess(port);
        var started = Stopwatch.GetTimestamp();
        var reached = 0L;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(1000, stop);
            while (reached + 1 < delivered.Length && Volatile.Read(ref delivered[reached + 1]) != 0)
            {
                reached++;
            }
            process.Refresh();
            server?.Refresh();
            var head = await store.ReadHeadAsync(stop);
            Console.WriteLine(
                $"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:F1} s: stored {head.Value,7}, acked by JetStream {relay.Published.Value,7}, " +
                $"at subscriber {reached,7}, projected {runner?.Checkpoint.Value ?? 0,7}; CPU s: this process {process.TotalProcessorTime.TotalSeconds,5:F1}, " +
                $"nats-server {server?.TotalProcessorTime.TotalSeconds ?? double.NaN,5:F1}; thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued");
        }
    }

    /// <summary>The nats-server process listening on <paramref name="port"/> (found by its command line), if it can be seen.</summary>
    private static Process? NatsServerProcess(int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        foreach (var candidate in Process.GetProcessesByName("nats-server"))
        {
            var commandLine = File.Exists($"/proc/{candidate.Id}/cmdline") ? File.ReadAllText($"/proc/{candidate.Id}/cmdline") : "";
            if (commandLine.Split('\0').Contains(portText))
            {
                return candidate;
            }
        }
        return null;
    }

    private static async Task AllDeliveredAsync(long[] delivered)
    {
        while (Volatile.Read(ref delivered[^1]) == 0)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>Records when each position reached a plain subscriber (a <see cref="NatsEventSource"/> of its own).</summary>
    private static async Task ListenAsync(NatsFanOutOptions options, long[] delivered, CancellationToken stop)
    {
        await using var source = new NatsEventSource(options);
        await foreach (var batch in source.SubscribeAsync(GlobalPosition.Start, 1000, stop))
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var e in batch)
            {
                if (e.Position.Value < delivered.Length)
                {
                    delivered[e.Position.Value] = now;
                }
            }
        }
    }

    private static void Report(string what, long[] appended, long[] reached)
    {
        // An event can reach the far end before its appender's continuation ran: that counts as no lag.
        var lags = Enumerable.Range(2, appended.Length - 2)
            .Select(p => Math.Max(0, (reached[p] - Volatile.Read(ref appended[p])) * 1000.0 / Stopwatch.Frequency))
            .Order()
            .ToList();
        Console.WriteLine($"{what}: p50 {lags[lags.Count / 2]:F2} ms, p99 {lags[(int)(lags.Count * 0.99)]:F2} ms, max {lags[^1]:F2} ms");
        // The worst lag among the events appended in each tenth of the run, to tell a start-up stall from a steady queue.
        var tenth = (appended.Length - 2) / 10;
        if (tenth > 0)
        {
            var worst = Enumerable.Range(0, 10).Select(t => Enumerable.Range(2 + (t * tenth), tenth)
                .Max(p => Math.Max(0, (reached[p] - Volatile.Read(ref appended[p])) * 1000.0 / Stopwatch.Frequency)));
            Console.WriteLine($"    worst per tenth of the run, ms: {string.Join(" ", worst.Select(w => w.ToString("F0", CultureInfo.InvariantCulture)))}");
        }
    }

    private static async Task<ServiceProvider> StartReaderAsync(NatsFanOutOptions options, string folder)
    {
        var services = new ServiceCollection();
        services.AddTessera(b => b
            .AddShop()
            .AddShopReadModels()
            .UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string>()))
            .UseNatsReadSource(options)
            .UseSqliteReadModels(o => o.DataFolder = folder));
        var provider = services.BuildServiceProvider();
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
        return provider;
    }

    private static MessageSerializer Serializer()
    {
        var services = new ServiceCollection();
        services.AddTessera(b => b.AddShop().UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string>())).UseInMemoryStore());
        return services.BuildServiceProvider().GetRequiredService<MessageSerializer>();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}

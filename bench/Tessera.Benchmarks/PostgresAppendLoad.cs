using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Tessera.Storage.Postgres;
using Tessera.TestServers;

namespace Tessera.Benchmarks;

/// <summary>
/// Append load on the PostgreSQL store against a throwaway PostgreSQL 15 cluster (fsync and synchronous_commit on):
/// N writers, each appending to its own stream as fast as acknowledgements come back, for a fixed time.
/// </summary>
internal static class PostgresAppendLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var connections = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : new PostgresStoreOptions().Writers;
        await using var server = await PostgresServer.StartAsync();
        Console.WriteLine($"PostgreSQL 15 on 127.0.0.1:{server.Port}, {seconds} s per case, {connections} writer connections, {Environment.ProcessorCount} cores");
        foreach (var (writers, batch) in new[] { (1, 1), (8, 1), (32, 1), (1, 100), (8, 100) })
        {
            await RunCaseAsync(server, writers, batch, connections, TimeSpan.FromSeconds(seconds));
        }
        await LoadAggregateAsync(server);
        return 0;
    }

    private static async Task RunCaseAsync(PostgresServer server, int writers, int batch, int connections, TimeSpan duration)
    {
        await using var store = new PostgresEventStore(new PostgresStoreOptions { ConnectionString = server.ConnectionString(), Schema = $"bench_{writers}_{batch}", Writers = connections });
        await store.InitializeAsync(CancellationToken.None);
        var latencies = new List<double>[writers];
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var stream = new StreamName($"writer-{w}");
            var clock = new Stopwatch();
            while (stop.Elapsed < duration)
            {
                var events = Events(batch);
                clock.Restart();
                var result = await store.AppendAsync(stream, ExpectedVersion.Any, events);
                mine.Add(clock.Elapsed.TotalMilliseconds);
                if (result.Status != AppendStatus.Written)
                {
                    throw new InvalidOperationException($"An append was not written: {result.Status}.");
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"writers {writers,2}, {batch,3} events/append: {all.Length * batch / elapsed,9:N0} events/s, {all.Length / elapsed,8:N0} appends/s, p50 {Percentile(all, 0.50):N2} ms, p99 {Percentile(all, 0.99):N2} ms"));
    }

    private static async Task LoadAggregateAsync(PostgresServer server)
    {
        await using var store = new PostgresEventStore(new PostgresStoreOptions { ConnectionString = server.ConnectionString(), Schema = "bench_load" });
        var stream = new StreamName("order-1");
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync(stream, ExpectedVersion.Any, Events(100));
        }
        var times = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            var slice = await store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 1000);
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (slice.Events.Count != 1000)
            {
                throw new InvalidOperationException("The aggregate did not load whole.");
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load a 1,000-event stream: median {Percentile([.. times.Order()], 0.5):N2} ms"));
    }

    private static EventData[] Events(int count)
    {
        var metadata = new EventMetadata { CorrelationId = Guid.NewGuid(), CausationId = Guid.NewGuid(), User = "bench", Time = DateTimeOffset.UtcNow };
        return [.. Enumerable.Range(0, count).Select(i => new EventData(Guid.NewGuid(), "bench.happened.v1", Encoding.UTF8.GetBytes($$"""{"n":{{i}},"text":"an event of about a hundred bytes of JSON data for the append benchmark"}"""), metadata))];
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}

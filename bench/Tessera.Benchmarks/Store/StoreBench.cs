using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Tessera.Storage.Embedded;

namespace Tessera.Benchmarks.Store;

/// <summary>
/// Load harness of the embedded store in durable mode: appends with many writers, batches, reads and opening a large
/// store, next to the disk's own limits. Each scenario prints one line; run it several times and quote medians.
/// </summary>
internal static class StoreBench
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("{\"bench\":\"" + new string('x', 180) + "\"}");
    private static readonly EventMetadata Metadata = new() { Time = DateTimeOffset.UtcNow, CorrelationId = Guid.NewGuid(), User = "bench" };

    public static async Task<int> RunAsync(string[] args)
    {
        var what = args.FirstOrDefault() ?? "all";
        var seconds = Option(args, "--seconds", 5);
        var root = args.SkipWhile(a => a != "--data").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "tessera-store-bench");
        Directory.CreateDirectory(root);
        var duration = TimeSpan.FromSeconds(seconds);
        var known = new[] { "all", "disk", "append", "batch", "read", "readall", "open" };
        if (!known.Contains(what))
        {
            await Console.Error.WriteLineAsync($"Unknown scenario '{what}'; use one of: {string.Join(", ", known)}.");
            return 2;
        }
        if (what is "all" or "disk")
        {
            Print($"disk: fdatasync of one file: {DiskLimits.FlushesPerSecond(Fresh(root), duration):N0} flushes/s");
            Print($"disk: sequential write, 1 MiB blocks, one flush: {DiskLimits.SequentialMegabytesPerSecond(Fresh(root), 1024):N0} MB/s");
        }
        if (what is "all" or "append")
        {
            // "--writers 64" runs one level only (for profiling); the default is the whole curve.
            var levels = args.Contains("--writers") ? [Option(args, "--writers", 64)] : new[] { 1, 8, 64, 256 };
            foreach (var writers in levels)
            {
                await AppendAsync(Fresh(root), writers, 1, duration);
            }
        }
        if (what is "all" or "batch")
        {
            await AppendAsync(Fresh(root), 1, 100, duration);
            await AppendAsync(Fresh(root), 8, 100, duration);
        }
        if (what is "all" or "read")
        {
            await ReadStreamAsync(Fresh(root));
        }
        if (what is "all" or "readall" or "open")
        {
            var folder = Fresh(root);
            await FillAsync(folder, 1_000_000);
            if (what is "all" or "readall")
            {
                await ReadAllAsync(folder);
            }
            if (what is "all" or "open")
            {
                Open(folder);
            }
        }
        Directory.Delete(root, recursive: true);
        return 0;
    }

    private static async Task AppendAsync(string folder, int writers, int perAppend, TimeSpan duration)
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder });
        var streams = Enumerable.Range(0, writers).Select(w => new StreamName($"bench-{w}-{Guid.NewGuid():N}")).ToArray();
        var versions = new StreamVersion[writers];
        Array.Fill(versions, StreamVersion.None);
        // One unmeasured second first, so that the figures are of jitted, tiered-up code and not of the JIT's work.
        await RunWritersAsync(store, streams, versions, perAppend, TimeSpan.FromSeconds(1));
        // CPU time and allocations per event judge a change even on a shared machine, where events/s swing with the load.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var gen2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        var latencies = await RunWritersAsync(store, streams, versions, perAppend, duration);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes() - allocated;
        var collections = GC.CollectionCount(2) - gen2;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var total = (double)all.Length * perAppend;
        Print($"append: {writers} writers x {perAppend} events per append: {total / elapsed:N0} events/s, "
            + $"{all.Length / elapsed:N0} appends/s, p50 {Percentile(all, 0.50):F2} ms, p99 {Percentile(all, 0.99):F2} ms; "
            + $"CPU {cpuSeconds * 1e6 / total:F1} us/event, {bytes / total:N0} B allocated/event, {collections} gen2 GCs");
    }

    private static async Task<List<double>[]> RunWritersAsync(EmbeddedEventStore store, StreamName[] streams, StreamVersion[] versions, int perAppend, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        var latencies = new List<double>[streams.Length];
        await Task.WhenAll(Enumerable.Range(0, streams.Length).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(1024);
            var batch = new EventData[perAppend];
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < perAppend; i++)
                {
                    batch[i] = new EventData(Guid.NewGuid(), "bench.event.v1", Data, Metadata);
                }
                var started = Stopwatch.GetTimestamp();
                var result = await store.AppendAsync(streams[w], ExpectedVersion.From(versions[w]), batch);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                versions[w] = result.Version;
            }
        })));
        return latencies;
    }

    private static async Task ReadStreamAsync(string folder)
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder });
        var stream = new StreamName("bench-thousand");
        for (var i = 0; i < 10; i++)
        {
            var batch = Enumerable.Range(0, 100).Select(_ => new EventData(Guid.NewGuid(), "bench.event.v1", Data, Metadata)).ToArray();
            await store.AppendAsync(stream, ExpectedVersion.Any, batch);
            await store.AppendAsync(new StreamName($"noise-{i}"), ExpectedVersion.Any, batch.Select(_ => new EventData(Guid.NewGuid(), "bench.noise.v1", Data, Metadata)).ToArray());
        }
        var times = new double[2_000];
        for (var i = 0; i < times.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var slice = await store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 1_000);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (slice.Events.Count != 1_000)
            {
                throw new InvalidOperationException($"read {slice.Events.Count} events, not 1,000");
            }
        }
        Array.Sort(times);
        Print($"read: a 1,000-event stream (2,000 reads, warm cache): p50 {Percentile(times, 0.50):F3} ms, p99 {Percentile(times, 0.99):F3} ms");
    }

    private static async Task FillAsync(string folder, int total)
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder });
        var clock = Stopwatch.StartNew();
        var perWriter = total / 8 / 100;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var batch = Enumerable.Range(0, 100).Select(_ => new EventData(Guid.NewGuid(), "bench.event.v1", Data, Metadata)).ToArray();
                await store.AppendAsync(new StreamName($"fill-{w}-{i % 1_000}"), ExpectedVersion.Any, batch);
            }
        })));
        Print($"fill: {total:N0} events in 8,000 streams in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task ReadAllAsync(string folder)
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder });
        var clock = Stopwatch.StartNew();
        var position = GlobalPosition.Start;
        long count = 0;
        while (true)
        {
            var slice = await store.ReadAllAsync(position, 1_000);
            count += slice.Events.Count;
            position = slice.Next;
            if (slice.IsEnd)
            {
                break;
            }
        }
        Print($"readall: {count:N0} events in pages of 1,000: {count / clock.Elapsed.TotalSeconds:N0} events/s ({clock.Elapsed.TotalSeconds:F2} s)");
    }

    private static void Open(string folder)
    {
        var times = new double[3];
        for (var i = 0; i < times.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder });
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        Print($"open: a store of 1,000,000 events (3 opens): median {times[1]:F0} ms, slowest {times[2]:F0} ms");
    }

    private static string Fresh(string root)
    {
        var folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static void Print(string line) => Console.WriteLine(line);
}

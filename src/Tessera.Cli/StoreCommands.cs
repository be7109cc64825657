using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Tessera.Storage.Embedded;

namespace Tessera.Cli;

/// <summary>
/// The commands that open an embedded store's data folder directly. The reading ones open it as a read-only follower,
/// so they run beside a host that writes the folder; verify and repair need the folder closed.
/// </summary>
internal static class StoreCommands
{
    private const int Page = 1_000;

    public static async Task<int> ListStreamsAsync(Arguments args, TextWriter output)
    {
        args.NoOthers("--data", "--category");
        var category = args.Option("--category");
        await using var store = Open(args);
        // The store's own catalog (its index), not a scan of every event: listing stays quick on a large log.
        var streams = new List<StreamInfo>();
        StreamCatalogPage page;
        do
        {
            page = await store.ListStreamsAsync(category, nameContains: null, streams.Count, StreamCatalogQuery.MaxPageSize);
            streams.AddRange(page.Streams);
        }
        while (page.Streams.Count > 0 && streams.Count < page.TotalMatching);
        streams.Sort((a, b) => string.CompareOrdinal(a.Name.Value, b.Name.Value));
        output.WriteLine($"{"stream",-60} {"events",8} {"last position",14}");
        foreach (var stream in streams)
        {
            output.WriteLine($"{stream.Name.Value,-60} {stream.LastVersion.Value + 1,8} {stream.LastPosition.Value,14}");
        }
        output.WriteLine($"{streams.Count} stream(s)");
        return 0;
    }

    public static async Task<int> ReadStreamAsync(Arguments args, TextWriter output)
    {
        args.NoOthers("--data", "--from", "--max");
        if (args.Words.Count != 3)
        {
            throw new UsageException("tessera streams read <stream> --data <folder> [--from <version>] [--max <n>]");
        }
        var stream = new StreamName(args.Words[2]);
        var from = new StreamVersion(args.Number("--from", 0, 0, long.MaxValue));
        var max = (int)args.Number("--max", 100, 1, StoreArguments.MaxPageSize);
        await using var store = Open(args);
        var slice = await store.ReadStreamAsync(stream, from, ReadDirection.Forwards, max);
        if (!slice.StreamExists)
        {
            output.WriteLine($"{stream} has no events.");
            return 1;
        }
        foreach (var e in slice.Events)
        {
            Print(e, output);
        }
        output.WriteLine(slice.IsEnd ? $"end of {stream} (last version {slice.LastVersion})" : $"more after version {slice.Events[^1].Version}: --from {slice.Events[^1].Version.Next}");
        return 0;
    }

    public static async Task<int> TailAsync(Arguments args, TextWriter output)
    {
        args.NoOthers("--data", "--after", "--max");
        var after = new GlobalPosition(args.Number("--after", 0, 0, long.MaxValue));
        var max = args.Number("--max", long.MaxValue, 1, long.MaxValue);
        await using var store = Open(args);
        if (after == GlobalPosition.Start && args.Option("--max") is not null)
        {
            // "The last n events": start n before the head.
            after = new GlobalPosition(Math.Max(0, (await store.ReadHeadAsync()).Value - max));
        }
        long printed = 0;
        await foreach (var e in ReadAllAsync(store, after))
        {
            Print(e, output);
            if (++printed >= max)
            {
                break;
            }
        }
        return 0;
    }

    public static async Task<int> BenchAsync(Arguments args, TextWriter output)
    {
        args.NoOthers("--data", "--writers", "--seconds");
        var writers = (int)args.Number("--writers", 64, 1, 4_096);
        var seconds = args.Number("--seconds", 5, 1, 3_600);
        var folder = args.Option("--data") ?? Path.Combine(Path.GetTempPath(), "tessera-bench-" + Guid.NewGuid().ToString("N"));
        var temporary = args.Option("--data") is null;
        try
        {
            await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder });
            var data = Encoding.UTF8.GetBytes("{\"bench\":\"" + new string('x', 180) + "\"}");
            var metadata = new EventMetadata { Time = DateTimeOffset.UtcNow };
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var latencies = new List<double>[writers];
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = [];
                var stream = new StreamName($"bench-{w}-{Guid.NewGuid():N}");
                var version = StreamVersion.None;
                while (!stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = await store.AppendAsync(stream, ExpectedVersion.From(version), [new EventData(Guid.NewGuid(), "bench.event.v1", data, metadata)]);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    version = result.Version;
                }
            })));
            clock.Stop();
            var all = latencies.SelectMany(l => l).Order().ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{writers} writers, one 200-byte event per durable append, {clock.Elapsed.TotalSeconds:F1} s:"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {all.Length / clock.Elapsed.TotalSeconds:N0} events/s, p50 {Percentile(all, 0.50):F2} ms, p99 {Percentile(all, 0.99):F2} ms"));
            return 0;
        }
        finally
        {
            if (temporary)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    public static int Verify(Arguments args, TextWriter output)
    {
        args.NoOthers("--data");
        var damage = EmbeddedStoreRepair.Verify(args.Required("--data"));
        output.WriteLine(damage is null ? "The store is sound: every record's checksum holds." : damage.Message);
        return damage is null ? 0 : 2;
    }

    public static int Repair(Arguments args, TextWriter output)
    {
        args.NoOthers("--data");
        var report = EmbeddedStoreRepair.Repair(args.Required("--data"));
        output.WriteLine(report.DamagedSegment is null
            ? $"Nothing to repair; {report.EventsKept} events."
            : $"Damage in {report.DamagedSegment} at offset {report.DamagedOffset}: kept the {report.EventsKept} events before it; the rest was set aside in {report.SetAsideFolder}.");
        return 0;
    }

    private static EmbeddedEventStore Open(Arguments args)
    {
        var folder = args.Required("--data");
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"There is no data folder at {folder}.");
        }
        return new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder, ReadOnlyFollower = true });
    }

    private static async IAsyncEnumerable<RecordedEvent> ReadAllAsync(EmbeddedEventStore store, GlobalPosition after)
    {
        while (true)
        {
            var slice = await store.ReadAllAsync(after, Page);
            foreach (var e in slice.Events)
            {
                yield return e;
            }
            if (slice.IsEnd || slice.Events.Count == 0)
            {
                yield break;
            }
            after = slice.Next;
        }
    }

    private static void Print(RecordedEvent e, TextWriter output)
    {
        var m = e.Metadata;
        var signature = m.Signature is { } s ? $" signed by {s.Signer} ({s.Meaning})" : string.Empty;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"@{e.Position} {e.Stream} v{e.Version} {e.Type} {m.Time:O} by {m.User ?? "-"}{signature}"));
        output.WriteLine("    " + Encoding.UTF8.GetString(e.Data.Span));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
}

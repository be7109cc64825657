using System.Globalization;
using Tessera.Storage;
using Tessera.Storage.Embedded;
using Tessera.Storage.Embedded.CrashChild;

// Appends from many concurrent writers and prints one line per acknowledged append, until it is killed.
// Arguments: data folder, writers, seed, segment size. Output: "ready <head>", then "ack <position> <version> <stream> <id,id,...>".
var folder = args[0];
var writers = int.Parse(args[1], CultureInfo.InvariantCulture);
var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
var segmentSize = long.Parse(args[3], CultureInfo.InvariantCulture);
var output = Console.Out;

using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = folder, SegmentSize = segmentSize });
output.WriteLine($"ready {(await store.ReadHeadAsync()).Value}");
output.Flush();
await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
{
    var random = new Random((seed * 1000) + w);
    for (var i = 0; ; i++)
    {
        var events = Enumerable.Range(0, random.Next(1, 4)).Select(_ => CrashEvents.Create(Guid.NewGuid())).ToArray();
        var stream = $"crash-{seed}-{w}-{i % 3}";
        var result = await store.AppendAsync(new StreamName(stream), ExpectedVersion.Any, events);
        var line = $"ack {result.Position.Value} {result.Version.Value} {stream} {string.Join(',', events.Select(e => e.EventId))}";
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
})));

using System.Diagnostics;
using System.Globalization;
using Tessera.Storage.Embedded.CrashChild;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>
/// A real writer process (the crash child) appends with many writers while this process follows the folder read-only;
/// the writer is killed with SIGKILL. The follower must have served every acknowledged event, in a log without gaps,
/// byte for byte, and nothing that the reopened store does not hold at the same position.
/// </summary>
public sealed class FollowerProcessTests : IDisposable
{
    private const long SegmentSize = 128 * 1024;
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task a_follower_in_another_process_serves_every_acknowledged_event_and_nothing_the_writer_loses()
    {
        using var follower = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = SegmentSize, ReadOnlyFollower = true });

        var acknowledged = await RunWriterUntilKilledAsync(killAfter: 600);
        var lastAcknowledged = acknowledged.Max();
        // Every acknowledged event was durable, and its head published, before the writer printed it.
        var waited = Stopwatch.StartNew();
        while ((await follower.ReadHeadAsync()).Value < lastAcknowledged && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(20);
        }
        var seen = new List<RecordedEvent>();
        var position = GlobalPosition.Start;
        while (true)
        {
            var slice = await follower.ReadAllAsync(position, 1_000);
            seen.AddRange(slice.Events);
            position = slice.Next;
            if (slice.IsEnd)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(p => (long)p), seen.Select(e => e.Position.Value));
        Assert.True(seen.Count >= lastAcknowledged, $"The follower served {seen.Count} events; the writer acknowledged up to position {lastAcknowledged}.");
        Assert.True(Directory.GetFiles(_folder.Path, "*.seg").Length > 1, "The writer should have filled more than one segment.");
        using var reopened = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = SegmentSize });
        var log = (await reopened.ReadAllAsync(GlobalPosition.Start, 100_000)).Events;
        Assert.True(log.Count >= seen.Count, $"The follower served {seen.Count} events, the recovered log holds {log.Count}.");
        for (var i = 0; i < seen.Count; i++)
        {
            Assert.Equal(log[i].EventId, seen[i].EventId);
            Assert.True(CrashEvents.Create(seen[i].EventId).Data.Span.SequenceEqual(seen[i].Data.Span));
        }
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Runs the crash child as the writer and kills it with SIGKILL after <paramref name="killAfter"/> acknowledged appends; returns their positions.</summary>
    private async Task<List<long>> RunWriterUntilKilledAsync(int killAfter)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var child = Path.Combine(AppContext.BaseDirectory, "Tessera.Storage.Embedded.CrashChild.dll");
        foreach (var argument in new[] { "exec", child, _folder.Path, "16", "7", SegmentSize.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var positions = new List<long>();
        var killed = false;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            if (parts[0] != "ack")
            {
                continue;
            }
            positions.Add(long.Parse(parts[1], CultureInfo.InvariantCulture));
            if (!killed && positions.Count >= killAfter)
            {
                process.Kill();
                killed = true;
            }
        }
        await process.WaitForExitAsync();
        Assert.True(killed, $"The writer stopped by itself: {await errors}");
        return positions;
    }
}

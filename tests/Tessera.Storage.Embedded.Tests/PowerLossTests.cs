using Tessera.Storage.Embedded.Tests.Simulation;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>
/// Power losses simulated through the store's file I/O seam, at a thousand points spread over every write, flush and
/// directory change of a run: unflushed writes are kept, dropped or garbled sector by sector, as a real disk may.
/// </summary>
public sealed class PowerLossTests
{
    private const int CrashPoints = 1000;
    private const int Writers = 4;
    private const int Appends = 8;
    private const int LargeEvent = 5000;

    [Fact]
    public async Task at_a_thousand_power_losses_no_acknowledged_event_is_lost_and_the_log_is_a_prefix_of_what_was_written()
    {
        var calibration = new SimulatedDisk();
        using (var store = Open(calibration))
        {
            await Acknowledged.AppendUntilFailureAsync(store, seed: 0, Writers, Appends, LargeEvent);
        }
        var operations = calibration.Operations;

        // Runs vary in how many operations they take (groups form differently), so points go on until a thousand crashed.
        var crashes = new System.Collections.Concurrent.ConcurrentBag<string>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (crashes.Count < CrashPoints)
            {
                var point = Interlocked.Increment(ref next);
                Assert.True(point < 3 * CrashPoints, "Too few runs crashed; the crash points miss the runs' operations.");
                if (await RunAsync(point, 1 + (point * 7919L % operations)) is { } kind)
                {
                    crashes.Add(kind);
                }
            }
        })));

        var kinds = crashes.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        foreach (var kind in new[] { "create", "allocate", "write", "flush", "flush-folder", "move" })
        {
            Assert.True(kinds.GetValueOrDefault(kind) >= 5, $"Only {kinds.GetValueOrDefault(kind)} power losses hit a '{kind}'.");
        }
    }

    /// <summary>Runs appends until the power fails, recovers (maybe losing power again while recovering), and checks.</summary>
    private static async Task<string?> RunAsync(int point, long crashAt)
    {
        var random = new Random(point);
        var disk = new SimulatedDisk();
        disk.LosePowerAt(crashAt, random);
        var acknowledged = await AppendAsync(disk, point);
        if (!disk.PoweredOff)
        {
            using var whole = Open(SimulatedDisk.From(disk.Image()));
            await Acknowledged.VerifyAsync(whole, acknowledged);
            return null;
        }

        // What the kernel held when the power went: a process kill would leave exactly this, and it is what was written.
        List<RecordedEvent> written;
        using (var killed = Open(SimulatedDisk.From(disk.KilledImage!)))
        {
            written = await Acknowledged.VerifyAsync(killed, acknowledged);
        }

        var recovering = SimulatedDisk.From(disk.PowerLossImage!);
        recovering.LosePowerAt(1 + random.NextInt64(2 * crashAt), new Random(-point));
        var later = await AppendAsync(recovering, point + CrashPoints);
        var final = recovering.PoweredOff ? recovering.PowerLossImage! : recovering.Image();

        using var recovered = Open(SimulatedDisk.From(final));
        var log = await Acknowledged.VerifyAsync(recovered, [.. acknowledged, .. later]);
        var writtenIds = written.Select(e => e.EventId).ToHashSet();
        var before = log.TakeWhile(e => writtenIds.Contains(e.EventId)).ToList();
        Assert.True(before.Count <= written.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(written[i].EventId, before[i].EventId);
        }
        Assert.DoesNotContain(log.Skip(before.Count), e => writtenIds.Contains(e.EventId));

        // The recovered store takes appends again and keeps them across a clean reopen.
        var more = new List<AcknowledgedEvent>();
        var image = SimulatedDisk.From(final);
        using (var store = Open(image))
        {
            more = await Acknowledged.AppendUntilFailureAsync(store, point + (2 * CrashPoints), 2, 3, LargeEvent);
        }
        using var reopened = Open(SimulatedDisk.From(image.Image()));
        await Acknowledged.VerifyAsync(reopened, [.. acknowledged, .. later, .. more]);
        return disk.PowerLostAt;
    }

    /// <summary>Opens a store on the disk and appends until done or the power fails; the open itself may fail.</summary>
    private static async Task<List<AcknowledgedEvent>> AppendAsync(SimulatedDisk disk, int seed)
    {
        EmbeddedEventStore store;
        try
        {
            store = Open(disk);
        }
        catch (IOException) when (disk.PoweredOff)
        {
            return [];
        }
        using (store)
        {
            return await Acknowledged.AppendUntilFailureAsync(store, seed, Writers, Appends, LargeEvent);
        }
    }

    private static EmbeddedEventStore Open(SimulatedDisk disk) =>
        new(new EmbeddedStoreOptions { DataFolder = disk.Path, SegmentSize = 4096 }, disk, null);
}

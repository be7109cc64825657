using System.Collections.Concurrent;
using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>An event the store acknowledged, and where it said it put it.</summary>
public sealed record AcknowledgedEvent(EventData Event, string Stream, long Position, long Version);

/// <summary>Runs appends that may be cut short by a crash, remembers what was acknowledged, and checks a reopened log.</summary>
public static class Acknowledged
{
    /// <summary>
    /// Appends from <paramref name="writers"/> concurrent writers, each to a few streams, with events of mixed sizes
    /// (some larger than a small segment), until done or the store fails; returns every acknowledged event.
    /// </summary>
    public static async Task<List<AcknowledgedEvent>> AppendUntilFailureAsync(IEventStore store, int seed, int writers, int appends, int largeSize)
    {
        var acknowledged = new ConcurrentBag<AcknowledgedEvent>();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + w);
            for (var i = 0; i < appends; i++)
            {
                var events = Enumerable.Range(0, random.Next(1, 4))
                    .Select(_ => random.Next(12) == 0 ? TestEvents.Large(largeSize) : TestEvents.Large(random.Next(1, 400)))
                    .ToArray();
                var stream = $"w{w}-{random.Next(3)}";
                AppendResult result;
                try
                {
                    result = await store.AppendAsync(new StreamName(stream), ExpectedVersion.Any, events);
                }
                catch (Exception e) when (e is IOException or EventStoreUnavailableException)
                {
                    return;
                }
                Assert.Equal(AppendStatus.Written, result.Status);
                for (var k = 0; k < events.Length; k++)
                {
                    var back = events.Length - 1 - k;
                    acknowledged.Add(new AcknowledgedEvent(events[k], stream, result.Position.Value - back, result.Version.Value - back));
                }
            }
        })));
        return [.. acknowledged];
    }

    /// <summary>Reads the whole log and checks it is dense, every stream dense, and every acknowledged event in place.</summary>
    public static async Task<List<RecordedEvent>> VerifyAsync(IEventStore store, IEnumerable<AcknowledgedEvent> acknowledged)
    {
        var all = new List<RecordedEvent>();
        var position = GlobalPosition.Start;
        while (true)
        {
            var slice = await store.ReadAllAsync(position, 500);
            all.AddRange(slice.Events);
            position = slice.Next;
            if (slice.IsEnd)
            {
                break;
            }
        }
        for (var i = 0; i < all.Count; i++)
        {
            Assert.Equal(i + 1, all[i].Position.Value);
        }
        Assert.Equal(new GlobalPosition(all.Count), await store.ReadHeadAsync());
        Assert.Equal(all.Count, all.Select(e => e.EventId).Distinct().Count());
        foreach (var stream in all.GroupBy(e => e.Stream.Value))
        {
            Assert.Equal(Enumerable.Range(0, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version.Value));
        }
        foreach (var ack in acknowledged)
        {
            Assert.True(ack.Position <= all.Count, $"Acknowledged event at position {ack.Position} is missing; the log ends at {all.Count}.");
            var stored = all[(int)ack.Position - 1];
            Assert.Equal(ack.Stream, stored.Stream.Value);
            Assert.Equal(ack.Version, stored.Version.Value);
            TestEvents.AssertSame(ack.Event, stored);
        }
        return all;
    }
}

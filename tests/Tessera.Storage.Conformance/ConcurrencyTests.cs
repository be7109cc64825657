using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Many appenders at once: one winner per version, and one dense log in commit order.</summary>
public abstract class ConcurrencyTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    [Fact]
    public async Task concurrent_appenders_to_one_stream_get_exactly_one_winner_per_version_and_leave_no_gaps()
    {
        const int Appenders = 8;
        const int Versions = 20;
        var stream = new StreamName("contested-1");
        var winners = new int[Versions];
        for (var version = 0; version < Versions; version++)
        {
            var expected = version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(version - 1);
            var results = await Task.WhenAll(Enumerable.Range(0, Appenders).Select(i => Task.Run(async () =>
                await Store.AppendAsync(stream, expected, [TestEvents.One($"{version}-{i}")]))));
            winners[version] = results.Count(r => r.Status == AppendStatus.Written);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(new StreamVersion(version), r.Version));
        }

        Assert.All(winners, w => Assert.Equal(1, w));
        var events = await ReadStreamAsync("contested-1");
        Assert.Equal(Enumerable.Range(0, Versions).Select(v => (long)v), events.Select(e => e.Version.Value));
        Assert.Equal(Versions, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task appenders_racing_with_expected_versions_they_read_never_duplicate_a_version()
    {
        var stream = new StreamName("counter-1");
        var written = 0;
        await Task.WhenAll(Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                var slice = await Store.ReadStreamAsync(stream, StreamVersion.End, ReadDirection.Backwards, 1);
                var result = await Store.AppendAsync(stream, ExpectedVersion.From(slice.LastVersion), [TestEvents.One($"{worker}-{i}")]);
                if (result.Status == AppendStatus.Written)
                {
                    Interlocked.Increment(ref written);
                }
            }
        })));

        var events = await ReadStreamAsync("counter-1");
        Assert.Equal(written, events.Count);
        Assert.Equal(Enumerable.Range(0, written).Select(v => (long)v), events.Select(e => e.Version.Value));
    }

    [Fact]
    public async Task concurrent_appends_to_many_streams_fill_a_dense_log_with_each_append_in_one_piece()
    {
        const int Writers = 16;
        const int Appends = 25;
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(AppendResult Result, EventData[] Events)>();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < Appends; i++)
            {
                var events = TestEvents.Many(1 + (i % 3), $"{w}-{i}-");
                var result = await Store.AppendAsync(new StreamName($"writer-{w}"), ExpectedVersion.Any, events);
                Assert.Equal(AppendStatus.Written, result.Status);
                acknowledged.Add((result, events));
            }
        })));

        var all = await ReadAllAsync(pageSize: 37);
        var total = acknowledged.Sum(a => a.Events.Length);
        Assert.Equal(Enumerable.Range(1, total).Select(p => (long)p), all.Select(e => e.Position.Value));
        Assert.Equal(new GlobalPosition(total), await Store.ReadHeadAsync());
        foreach (var (result, events) in acknowledged)
        {
            var first = result.Position.Value - events.Length + 1;
            for (var k = 0; k < events.Length; k++)
            {
                TestEvents.AssertSame(events[k], all[(int)(first - 1 + k)]);
            }
        }
        for (var w = 0; w < Writers; w++)
        {
            var stream = await ReadStreamAsync($"writer-{w}");
            Assert.Equal(Enumerable.Range(0, stream.Count).Select(v => (long)v), stream.Select(e => e.Version.Value));
            Assert.True(stream.Zip(stream.Skip(1)).All(p => p.First.Position < p.Second.Position));
        }
    }

    [Fact]
    public async Task an_append_that_starts_after_another_was_acknowledged_gets_a_higher_position()
    {
        var previous = GlobalPosition.Start;
        for (var i = 0; i < 50; i++)
        {
            var result = await AppendAsync($"s-{i % 7}", ExpectedVersion.Any, TestEvents.One());
            Assert.True(result.Position > previous);
            previous = result.Position;
        }
    }
}

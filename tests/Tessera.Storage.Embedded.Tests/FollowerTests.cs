using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded.Segments;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>A read-only follower beside the writer of the same folder: reads, read-all, subscriptions, appends refused, never past the durable head.</summary>
public sealed class FollowerTests : IDisposable
{
    private const long SegmentSize = 64 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task a_follower_opens_beside_the_writer_and_serves_what_it_wrote_before()
    {
        using var writer = Open(follower: false);
        var events = TestEvents.Many(3);
        await writer.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, events);
        await writer.AppendAsync(new StreamName("order-2"), ExpectedVersion.NoStream, TestEvents.Many(2));
        await writer.DeleteStreamAsync(new StreamName("order-2"), ExpectedVersion.Any);

        using var follower = Open(follower: true);

        Assert.True(follower.IsFollower);
        var slice = await follower.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 10);
        Assert.Equal(3, slice.Events.Count);
        for (var i = 0; i < 3; i++)
        {
            TestEvents.AssertSame(events[i], slice.Events[i]);
        }
        Assert.False((await follower.ReadStreamAsync(new StreamName("order-2"), StreamVersion.Start, ReadDirection.Forwards, 10)).StreamExists);
        Assert.Equal(await writer.ReadHeadAsync(), await follower.ReadHeadAsync());
        Assert.Equal(6, (await follower.ReadAllAsync(GlobalPosition.Start, 100)).Events.Count);
        TestEvents.AssertSame(events[1], (await follower.ReadEventAsync(events[1].EventId))!);
    }

    [Fact]
    public async Task a_follower_refuses_appends_and_stream_changes_with_a_clear_error()
    {
        using var writer = Open(follower: false);
        using var follower = Open(follower: true);

        var append = await Assert.ThrowsAsync<EventStoreUnavailableException>(async () =>
            await follower.AppendAsync(new StreamName("order-1"), ExpectedVersion.Any, [TestEvents.One()]));
        await Assert.ThrowsAsync<EventStoreUnavailableException>(async () => await follower.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Any));

        Assert.Contains("read-only follower", append.Message, StringComparison.Ordinal);
        Assert.Equal(GlobalPosition.Start, await writer.ReadHeadAsync());
    }

    [Fact]
    public async Task a_follower_wakes_its_subscribers_with_every_new_durable_append_across_segments()
    {
        using var writer = Open(follower: false);
        using var follower = Open(follower: true);
        using var timeout = new CancellationTokenSource(Patience);
        var seen = new List<RecordedEvent>();
        var subscription = Task.Run(async () =>
        {
            await foreach (var batch in follower.SubscribeAsync(GlobalPosition.Start, 100, timeout.Token))
            {
                seen.AddRange(batch);
                if (seen.Count >= 60)
                {
                    return;
                }
            }
        });

        var appended = new List<EventData>();
        for (var i = 0; i < 30; i++)
        {
            var events = new[] { TestEvents.Large(3_000), TestEvents.One() };
            appended.AddRange(events);
            await writer.AppendAsync(new StreamName($"order-{i % 4}"), ExpectedVersion.Any, events);
        }
        await subscription;

        Assert.True(Directory.GetFiles(_folder.Path, "*.seg").Length > 1, "The appends should have filled more than one segment.");
        Assert.Equal(Enumerable.Range(1, 60).Select(p => (long)p), seen.Select(e => e.Position.Value));
        for (var i = 0; i < appended.Count; i++)
        {
            TestEvents.AssertSame(appended[i], seen[i]);
        }
        Assert.Equal(16, (await follower.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 100)).Events.Count);
    }

    [Fact]
    public async Task a_follower_never_reads_past_the_head_the_writer_published()
    {
        byte[] firstHead;
        using (var writer = Open(follower: false))
        {
            await writer.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, TestEvents.Many(2));
            firstHead = await File.ReadAllBytesAsync(Path.Combine(_folder.Path, HeadFile.FileName));
            await writer.AppendAsync(new StreamName("order-1"), ExpectedVersion.Exact(1), TestEvents.Many(3));
        }
        // Whole, checksummed chunks lie past this head, as they do between the writer's write and its flush.
        await File.WriteAllBytesAsync(Path.Combine(_folder.Path, HeadFile.FileName), firstHead);

        using var follower = Open(follower: true);

        Assert.Equal(new GlobalPosition(2), await follower.ReadHeadAsync());
        Assert.Equal(2, (await follower.ReadAllAsync(GlobalPosition.Start, 100)).Events.Count);
        Assert.Equal(new StreamVersion(1), (await follower.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 100)).LastVersion);
    }

    [Fact]
    public async Task a_follower_opened_before_any_writer_starts_empty_and_follows_once_one_writes()
    {
        using var follower = Open(follower: true);
        Assert.Equal(GlobalPosition.Start, await follower.ReadHeadAsync());
        using var timeout = new CancellationTokenSource(Patience);
        var first = Task.Run(async () =>
        {
            await foreach (var batch in follower.SubscribeAsync(GlobalPosition.Start, 10, timeout.Token))
            {
                return batch[0];
            }
            return null;
        });

        using var writer = Open(follower: false);
        var appended = TestEvents.One();
        await writer.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, [appended]);

        TestEvents.AssertSame(appended, (await first)!);
    }

    public void Dispose() => _folder.Dispose();

    private EmbeddedEventStore Open(bool follower) =>
        new(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = SegmentSize, ReadOnlyFollower = follower });
}

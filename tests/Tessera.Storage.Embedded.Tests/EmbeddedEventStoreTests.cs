using Microsoft.Extensions.DependencyInjection;
using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded.Segments;
using Tessera.Storage.Embedded.Tests.Simulation;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>What only a store on disk has: restarts, index checkpoints, segment files, the folder lock, disposal, DI.</summary>
public sealed class EmbeddedEventStoreTests : IDisposable
{
    private static readonly StreamName Order = new("order-1");
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task events_survive_a_reopen_with_every_field()
    {
        var events = TestEvents.Many(3);
        using (var store = Open())
        {
            await store.AppendAsync(Order, ExpectedVersion.NoStream, events);
        }

        using var reopened = Open();
        var slice = await reopened.ReadStreamAsync(Order, StreamVersion.Start, ReadDirection.Forwards, 10);

        Assert.Equal(3, slice.Events.Count);
        for (var i = 0; i < 3; i++)
        {
            TestEvents.AssertSame(events[i], slice.Events[i]);
            Assert.Equal(new GlobalPosition(i + 1), slice.Events[i].Position);
        }
        Assert.Equal(new GlobalPosition(3), await reopened.ReadHeadAsync());
    }

    [Fact]
    public async Task a_retried_append_after_a_restart_is_still_recognised_by_its_event_ids()
    {
        var events = TestEvents.Many(2);
        AppendResult first;
        using (var store = Open())
        {
            first = await store.AppendAsync(Order, ExpectedVersion.NoStream, events);
        }

        using var reopened = Open();
        var again = await reopened.AppendAsync(Order, ExpectedVersion.NoStream, events);
        var changed = new EventData(events[0].EventId, events[0].Type, "{\"changed\":true}"u8.ToArray(), events[0].Metadata);

        Assert.Equal(AppendStatus.AlreadyStored, again.Status);
        Assert.Equal(first.Position, again.Position);
        await Assert.ThrowsAsync<DuplicateEventException>(async () => await reopened.AppendAsync(Order, ExpectedVersion.Any, [changed]));
        TestEvents.AssertSame(events[1], (await reopened.ReadEventAsync(events[1].EventId))!);
    }

    [Fact]
    public async Task versions_and_positions_go_on_after_a_restart()
    {
        using (var store = Open())
        {
            await store.AppendAsync(Order, ExpectedVersion.NoStream, TestEvents.Many(2));
        }

        using var reopened = Open();
        var stale = await reopened.AppendAsync(Order, ExpectedVersion.NoStream, [TestEvents.One()]);
        var next = await reopened.AppendAsync(Order, ExpectedVersion.Exact(1), [TestEvents.One()]);

        Assert.Equal(AppendStatus.WrongExpectedVersion, stale.Status);
        Assert.Equal(new StreamVersion(1), stale.Version);
        Assert.Equal(new GlobalPosition(3), next.Position);
        Assert.Equal(new StreamVersion(2), next.Version);
    }

    [Fact]
    public async Task segments_roll_over_and_each_sealed_one_gets_an_index_checkpoint()
    {
        using (var store = Open(segmentSize: 8192))
        {
            for (var i = 0; i < 100; i++)
            {
                await store.AppendAsync(new StreamName($"s-{i % 7}"), ExpectedVersion.Any, [TestEvents.Large(300)]);
            }
        }

        var segments = StoreFiles.Segments(_folder.Path);
        Assert.True(segments.Length >= 4);
        var sealedSegments = 0;
        long first = 1;
        foreach (var segment in segments)
        {
            var records = StoreFiles.Records(segment, first).Count;
            Assert.Equal(8192, new FileInfo(segment).Length);
            if (records > 0 && first + records <= 100)
            {
                sealedSegments++;
                Assert.True(File.Exists(Path.ChangeExtension(segment, SegmentFormat.IndexExtension)), $"{segment} has no checkpoint.");
            }
            first += records;
        }
        Assert.Equal(101, first);
        Assert.True(sealedSegments >= 3);
        using var reopened = Open(segmentSize: 8192);
        Assert.Equal(100, (await Acknowledged.VerifyAsync(reopened, [])).Count);
    }

    [Fact]
    public async Task opening_reads_the_checkpoints_of_sealed_segments_instead_of_their_events()
    {
        var disk = new SimulatedDisk();
        using (var store = Open(disk))
        {
            for (var i = 0; i < 200; i++)
            {
                await store.AppendAsync(new StreamName($"s-{i % 7}"), ExpectedVersion.Any, [TestEvents.Large(500)]);
            }
        }
        var copy = SimulatedDisk.From(disk.Image());
        var segments = copy.ListFiles().Where(f => f.EndsWith(".seg", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var checkpoints = copy.ListFiles().Where(f => f.EndsWith(".idx", StringComparison.Ordinal)).ToList();
        Assert.True(checkpoints.Count >= 5);

        using var reopened = Open(copy);

        foreach (var checkpoint in checkpoints)
        {
            var segment = Path.ChangeExtension(checkpoint, ".seg");
            Assert.InRange(copy.BytesRead.GetValueOrDefault(segment), 1, SegmentFormat.HeaderSize + (2 * SegmentFormat.ChunkHeaderSize));
        }
        Assert.Equal(200, (await Acknowledged.VerifyAsync(reopened, [])).Count);
    }

    [Fact]
    public async Task a_missing_or_damaged_checkpoint_is_rebuilt_from_its_segment()
    {
        using (var store = Open(segmentSize: 8192))
        {
            await store.AppendAsync(Order, ExpectedVersion.Any, [.. Enumerable.Range(0, 40).Select(_ => TestEvents.Large(400))]);
            for (var i = 0; i < 40; i++)
            {
                await store.AppendAsync(Order, ExpectedVersion.Any, [TestEvents.Large(400)]);
            }
        }
        var checkpoints = Directory.GetFiles(_folder.Path, "*.idx").Order(StringComparer.Ordinal).ToArray();
        File.Delete(checkpoints[0]);
        StoreFiles.FlipBit(checkpoints[1], 100);
        var logger = new ListLogger();

        using var reopened = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = 8192 }, logger);

        Assert.Equal(80, (await Acknowledged.VerifyAsync(reopened, [])).Count);
        Assert.True(File.Exists(checkpoints[0]));
        Assert.Equal(2, logger.Entries.Count(e => e.Message.Contains("Rebuilt the index checkpoint", StringComparison.Ordinal)));
    }

    [Fact]
    public void a_second_store_cannot_open_a_folder_in_use()
    {
        using var store = Open();

        var error = Assert.Throws<IOException>(() => Open());

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task disposing_finishes_the_appends_already_queued()
    {
        var store = Open();
        var pending = Enumerable.Range(0, 200).Select(i => store.AppendAsync(new StreamName($"s-{i % 9}"), ExpectedVersion.Any, [TestEvents.One()]).AsTask()).ToList();

        store.Dispose();

        Assert.All(await Task.WhenAll(pending), r => Assert.Equal(AppendStatus.Written, r.Status));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.AppendAsync(Order, ExpectedVersion.Any, [TestEvents.One()]));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.ReadAllAsync(GlobalPosition.Start, 10));
        using var reopened = Open();
        Assert.Equal(new GlobalPosition(200), await reopened.ReadHeadAsync());
    }

    [Fact]
    public async Task a_live_subscription_ends_with_an_error_when_the_store_is_disposed()
    {
        var store = Open();
        await store.AppendAsync(Order, ExpectedVersion.Any, [TestEvents.One()]);
        await using var subscription = store.SubscribeAsync(GlobalPosition.Start, 10).GetAsyncEnumerator();
        Assert.True(await subscription.MoveNextAsync());
        var waiting = subscription.MoveNextAsync();

        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await waiting);
    }

    [Fact]
    public void options_are_checked_and_every_problem_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = " ", SegmentSize = 10 }));

        Assert.Contains("DataFolder", error.Message, StringComparison.Ordinal);
        Assert.Contains("SegmentSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_segment_of_another_store_is_refused()
    {
        using (var store = Open())
        {
        }
        using var other = new TempFolder();
        using (var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = other.Path, SegmentSize = 64 * 1024 }))
        {
        }
        File.Copy(Path.Combine(other.Path, SegmentFormat.SegmentFileName(1)), Path.Combine(_folder.Path, SegmentFormat.SegmentFileName(2)));

        var error = Assert.Throws<EmbeddedStoreCorruptedException>(() => Open());

        Assert.Equal(SegmentFormat.SegmentFileName(2), error.Segment);
    }

    [Fact]
    public async Task the_service_collection_entry_point_registers_the_store_as_the_event_store()
    {
        var services = new ServiceCollection().AddEmbeddedEventStore(o => o.DataFolder = _folder.Path);
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IEventStore>();
            Assert.IsType<EmbeddedEventStore>(store);
            Assert.Same(store, provider.GetRequiredService<EmbeddedEventStore>());
            await store.AppendAsync(Order, ExpectedVersion.Any, [TestEvents.One()]);
        }

        // The container disposed the store and released the folder.
        using var reopened = Open();
        Assert.Equal(new GlobalPosition(1), await reopened.ReadHeadAsync());
    }

    [Fact]
    public async Task the_tessera_builder_uses_the_embedded_store_in_place_of_an_earlier_choice()
    {
        var services = new ServiceCollection().AddTessera(b => b.UseInMemoryStore().UseEmbeddedStore(o => o.DataFolder = _folder.Path));
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<EmbeddedEventStore>(provider.GetRequiredService<IEventStore>());
    }

    public void Dispose() => _folder.Dispose();

    private EmbeddedEventStore Open(long segmentSize = 64 * 1024) =>
        new(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = segmentSize });

    private static EmbeddedEventStore Open(SimulatedDisk disk) =>
        new(new EmbeddedStoreOptions { DataFolder = disk.Path, SegmentSize = 8192 }, disk, null);
}

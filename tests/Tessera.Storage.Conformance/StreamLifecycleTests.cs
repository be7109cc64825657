using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>
/// The optional part of the contract, for stores that implement <see cref="IStreamLifecycle"/>: soft delete, tombstone,
/// max count and max age, and system streams that can never be deleted or truncated.
/// </summary>
public abstract class StreamLifecycleTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    /// <summary>The store under test, as the optional lifecycle interface.</summary>
    protected IStreamLifecycle Lifecycle =>
        Store as IStreamLifecycle ?? throw new InvalidOperationException($"{Store.GetType().Name} does not implement IStreamLifecycle.");

    [Fact]
    public async Task a_soft_deleted_stream_reads_as_not_found_but_its_events_stay_in_read_all()
    {
        var appended = TestEvents.Many(3);
        await AppendAsync("order-1", ExpectedVersion.NoStream, appended);
        await AppendAsync("order-2", ExpectedVersion.NoStream, TestEvents.One());

        var deleted = await Lifecycle.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Exact(2));

        Assert.Equal(AppendStatus.Written, deleted.Status);
        Assert.Equal(new StreamVersion(2), deleted.Version);
        var forwards = await Store.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 100);
        var backwards = await Store.ReadStreamAsync(new StreamName("order-1"), StreamVersion.End, ReadDirection.Backwards, 100);
        Assert.False(forwards.StreamExists);
        Assert.Empty(forwards.Events);
        Assert.Empty(backwards.Events);
        Assert.Single(await ReadStreamAsync("order-2"));
        var all = await ReadAllAsync();
        Assert.Equal(appended.Select(e => e.EventId), all.Where(e => e.Stream.Value == "order-1").Select(e => e.EventId));
    }

    [Fact]
    public async Task a_soft_deleted_stream_is_recreated_by_an_append_expecting_no_stream_and_its_versions_continue()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(3));
        await Lifecycle.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Any);

        var stale = await Store.AppendAsync(new StreamName("order-1"), ExpectedVersion.Exact(2), [TestEvents.One()]);
        var recreated = await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One("again"));

        Assert.Equal(AppendStatus.WrongExpectedVersion, stale.Status);
        Assert.Equal(StreamVersion.None, stale.Version);
        Assert.Equal(new StreamVersion(3), recreated.Version);
        var slice = await Store.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 100);
        var only = Assert.Single(slice.Events);
        Assert.Equal(new StreamVersion(3), only.Version);
        Assert.Equal(new StreamVersion(3), slice.LastVersion);
        await AppendAsync("order-1", ExpectedVersion.Exact(3), TestEvents.One());
        Assert.Equal(2, (await ReadStreamAsync("order-1")).Count);
    }

    [Fact]
    public async Task deleting_with_a_stale_expected_version_changes_nothing()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(3));

        var result = await Lifecycle.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Exact(1));

        Assert.Equal(AppendStatus.WrongExpectedVersion, result.Status);
        Assert.Equal(new StreamVersion(2), result.Version);
        Assert.Equal(3, (await ReadStreamAsync("order-1")).Count);
    }

    [Fact]
    public async Task a_tombstoned_stream_reads_as_not_found_and_can_never_be_written_or_changed_again()
    {
        var appended = TestEvents.Many(2);
        await AppendAsync("order-1", ExpectedVersion.NoStream, appended);

        await Lifecycle.TombstoneStreamAsync(new StreamName("order-1"), ExpectedVersion.Exact(1));

        var stream = new StreamName("order-1");
        Assert.False((await Store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100)).StreamExists);
        var append = await Assert.ThrowsAsync<StreamDeletedException>(async () => await Store.AppendAsync(stream, ExpectedVersion.NoStream, [TestEvents.One()]));
        Assert.Contains("order-1", append.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StreamDeletedException>(async () => await Store.AppendAsync(stream, ExpectedVersion.Any, [TestEvents.One()]));
        await Assert.ThrowsAsync<StreamDeletedException>(async () => await Lifecycle.DeleteStreamAsync(stream, ExpectedVersion.Any));
        await Assert.ThrowsAsync<StreamDeletedException>(async () => await Lifecycle.TombstoneStreamAsync(stream, ExpectedVersion.Any));
        await Assert.ThrowsAsync<StreamDeletedException>(async () => await Lifecycle.SetStreamMetadataAsync(stream, new StreamMetadata(MaxCount: 1)));
        Assert.Equal(appended.Select(e => e.EventId), (await ReadAllAsync()).Where(e => e.Stream == stream).Select(e => e.EventId));
    }

    [Fact]
    public async Task a_stream_never_written_can_be_tombstoned_so_that_it_is_never_created()
    {
        await Lifecycle.TombstoneStreamAsync(new StreamName("order-9"), ExpectedVersion.NoStream);

        await Assert.ThrowsAsync<StreamDeletedException>(async () => await Store.AppendAsync(new StreamName("order-9"), ExpectedVersion.NoStream, [TestEvents.One()]));
    }

    [Fact]
    public async Task with_a_max_count_reads_return_only_the_newest_events_in_both_directions()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(10));

        await Lifecycle.SetStreamMetadataAsync(new StreamName("order-1"), new StreamMetadata(MaxCount: 3));

        var stream = new StreamName("order-1");
        Assert.Equal(new StreamMetadata(MaxCount: 3), await Lifecycle.ReadStreamMetadataAsync(stream));
        var forwards = await Store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100);
        Assert.Equal([7L, 8L, 9L], forwards.Events.Select(e => e.Version.Value));
        Assert.Equal(new StreamVersion(9), forwards.LastVersion);
        var page = await Store.ReadStreamAsync(stream, StreamVersion.End, ReadDirection.Backwards, 2);
        Assert.Equal([9L, 8L], page.Events.Select(e => e.Version.Value));
        Assert.False(page.IsEnd);
        var rest = await Store.ReadStreamAsync(stream, new StreamVersion(7), ReadDirection.Backwards, 2);
        Assert.Equal([7L], rest.Events.Select(e => e.Version.Value));
        Assert.True(rest.IsEnd);
        await AppendAsync("order-1", ExpectedVersion.Exact(9), TestEvents.One());
        Assert.Equal([8L, 9L, 10L], (await ReadStreamAsync("order-1")).Select(e => e.Version.Value));
        Assert.Equal(11, (await ReadAllAsync()).Count(e => e.Stream == stream));
    }

    [Fact]
    public async Task with_a_max_age_reads_skip_events_older_than_it()
    {
        var old = Event(DateTimeOffset.UtcNow.AddDays(-2));
        var recent = Event(DateTimeOffset.UtcNow);
        await AppendAsync("order-1", ExpectedVersion.NoStream, old, recent);

        await Lifecycle.SetStreamMetadataAsync(new StreamName("order-1"), new StreamMetadata(MaxAge: TimeSpan.FromDays(1)));

        var only = Assert.Single(await ReadStreamAsync("order-1"));
        Assert.Equal(recent.EventId, only.EventId);
        await Lifecycle.SetStreamMetadataAsync(new StreamName("order-1"), StreamMetadata.None);
        Assert.Equal(2, (await ReadStreamAsync("order-1")).Count);
    }

    [Fact]
    public async Task metadata_of_a_stream_without_limits_is_none_and_bad_limits_are_refused_without_a_change()
    {
        var stream = new StreamName("order-1");
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(2));
        var head = await Store.ReadHeadAsync();

        Assert.Equal(StreamMetadata.None, await Lifecycle.ReadStreamMetadataAsync(stream));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Lifecycle.SetStreamMetadataAsync(stream, new StreamMetadata(MaxCount: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Lifecycle.SetStreamMetadataAsync(stream, new StreamMetadata(MaxAge: TimeSpan.FromSeconds(-1))));
        Assert.Equal(head, await Store.ReadHeadAsync());
        Assert.Equal(2, (await ReadStreamAsync("order-1")).Count);
    }

    [Theory]
    [InlineData("$signatures")]
    [InlineData("$system-thing")]
    [InlineData("$$order-1")]
    public async Task system_streams_can_never_be_deleted_tombstoned_or_truncated(string name)
    {
        var signatures = new StreamName("$signatures");
        await AppendAsync("$signatures", ExpectedVersion.NoStream, TestEvents.Many(2));
        var stream = new StreamName(name);

        var delete = await Assert.ThrowsAsync<ArgumentException>(async () => await Lifecycle.DeleteStreamAsync(stream, ExpectedVersion.Any));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Lifecycle.TombstoneStreamAsync(stream, ExpectedVersion.Any));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Lifecycle.SetStreamMetadataAsync(stream, new StreamMetadata(MaxCount: 1)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Lifecycle.SetStreamMetadataAsync(stream, new StreamMetadata(MaxAge: TimeSpan.FromSeconds(1))));

        Assert.Contains("system stream", delete.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await ReadStreamAsync("$signatures")).Count);
        await AppendAsync("$signatures", ExpectedVersion.Exact(1), TestEvents.One());
        Assert.Equal(StreamMetadata.None, await Lifecycle.ReadStreamMetadataAsync(signatures));
    }

    [Fact]
    public async Task the_metadata_streams_cannot_be_appended_to_directly()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One());
        await Lifecycle.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Any);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await Store.AppendAsync(new StreamName("$$order-1"), ExpectedVersion.Any, [TestEvents.One()]));

        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
        Assert.False((await Store.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 10)).StreamExists);
    }

    [Fact]
    public async Task the_stream_catalog_lists_neither_deleted_streams_nor_metadata_streams()
    {
        var catalog = Store as IStreamCatalog ?? throw new InvalidOperationException($"{Store.GetType().Name} does not implement IStreamCatalog.");
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One());
        await AppendAsync("order-2", ExpectedVersion.NoStream, TestEvents.One());
        await AppendAsync("order-3", ExpectedVersion.NoStream, TestEvents.One());
        await Lifecycle.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Any);
        await Lifecycle.TombstoneStreamAsync(new StreamName("order-2"), ExpectedVersion.Any);
        await Lifecycle.SetStreamMetadataAsync(new StreamName("order-3"), new StreamMetadata(MaxCount: 5));

        var page = await catalog.ListStreamsAsync(null, null, 0, 100);

        Assert.Equal(["order-3"], page.Streams.Select(s => s.Name.Value));
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One());
        Assert.Equal(2, (await catalog.ListStreamsAsync(null, null, 0, 100)).TotalMatching);
    }

    private static EventData Event(DateTimeOffset time) =>
        new(Guid.NewGuid(), "test.happened.v1", Encoding.UTF8.GetBytes("{}"), new EventMetadata { Time = time });
}

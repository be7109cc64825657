using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Reading one stream forwards, backwards and from a version, and getting back exactly what was appended.</summary>
public abstract class ReadStreamTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    private static readonly StreamName Order = new("order-1");

    [Fact]
    public async Task a_stream_reads_back_every_field_as_appended()
    {
        var events = TestEvents.Many(3);
        await AppendAsync("order-1", ExpectedVersion.NoStream, events);

        var slice = await Store.ReadStreamAsync(Order, StreamVersion.Start, ReadDirection.Forwards, 10);

        Assert.True(slice.IsEnd);
        Assert.True(slice.StreamExists);
        Assert.Equal(new StreamVersion(2), slice.LastVersion);
        Assert.Equal(3, slice.Events.Count);
        for (var i = 0; i < 3; i++)
        {
            TestEvents.AssertSame(events[i], slice.Events[i]);
            Assert.Equal(Order, slice.Events[i].Stream);
            Assert.Equal(new StreamVersion(i), slice.Events[i].Version);
            Assert.Equal(new GlobalPosition(i + 1), slice.Events[i].Position);
        }
    }

    [Fact]
    public async Task a_missing_stream_reads_as_empty_with_no_version()
    {
        var forwards = await Store.ReadStreamAsync(Order, StreamVersion.Start, ReadDirection.Forwards, 10);
        var backwards = await Store.ReadStreamAsync(Order, StreamVersion.End, ReadDirection.Backwards, 10);

        Assert.Empty(forwards.Events);
        Assert.Equal(StreamVersion.None, forwards.LastVersion);
        Assert.False(forwards.StreamExists);
        Assert.True(forwards.IsEnd);
        Assert.Empty(backwards.Events);
        Assert.True(backwards.IsEnd);
    }

    [Fact]
    public async Task reading_forwards_from_a_version_pages_to_the_end()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(10));

        var first = await Store.ReadStreamAsync(Order, new StreamVersion(3), ReadDirection.Forwards, 4);
        var second = await Store.ReadStreamAsync(Order, new StreamVersion(7), ReadDirection.Forwards, 4);

        Assert.Equal([3L, 4, 5, 6], first.Events.Select(e => e.Version.Value));
        Assert.False(first.IsEnd);
        Assert.Equal([7L, 8, 9], second.Events.Select(e => e.Version.Value));
        Assert.True(second.IsEnd);
        Assert.Equal(new StreamVersion(9), second.LastVersion);
    }

    [Fact]
    public async Task reading_forwards_past_the_last_version_is_empty_and_at_the_end()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(3));

        var slice = await Store.ReadStreamAsync(Order, new StreamVersion(5), ReadDirection.Forwards, 10);

        Assert.Empty(slice.Events);
        Assert.True(slice.IsEnd);
        Assert.Equal(new StreamVersion(2), slice.LastVersion);
    }

    [Fact]
    public async Task reading_backwards_from_the_end_gives_the_newest_first()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(5));

        var slice = await Store.ReadStreamAsync(Order, StreamVersion.End, ReadDirection.Backwards, 3);

        Assert.Equal([4L, 3, 2], slice.Events.Select(e => e.Version.Value));
        Assert.False(slice.IsEnd);
        Assert.Equal(new StreamVersion(4), slice.LastVersion);
    }

    [Fact]
    public async Task reading_backwards_from_a_version_pages_to_the_start()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(5));

        var first = await Store.ReadStreamAsync(Order, new StreamVersion(3), ReadDirection.Backwards, 2);
        var second = await Store.ReadStreamAsync(Order, new StreamVersion(1), ReadDirection.Backwards, 5);

        Assert.Equal([3L, 2], first.Events.Select(e => e.Version.Value));
        Assert.False(first.IsEnd);
        Assert.Equal([1L, 0], second.Events.Select(e => e.Version.Value));
        Assert.True(second.IsEnd);
    }

    [Fact]
    public async Task a_stream_holds_only_its_own_events_among_interleaved_appends()
    {
        for (var i = 0; i < 10; i++)
        {
            await AppendAsync($"s-{i % 3}", ExpectedVersion.Any, TestEvents.One($"{i}"));
        }

        var events = await ReadStreamAsync("s-1");

        Assert.Equal([2L, 5, 8], events.Select(e => e.Position.Value));
        Assert.All(events, e => Assert.Equal("s-1", e.Stream.Value));
    }

    [Fact]
    public async Task unicode_stream_names_are_kept_apart_and_read_back_exactly()
    {
        string[] names = ["commande-é", "commande-e\u0301", "заказ-1", "注文-1", "order-🧾", "Order-1", "order-1"];
        foreach (var name in names)
        {
            await AppendAsync(name, ExpectedVersion.NoStream, TestEvents.One(name));
        }

        foreach (var name in names)
        {
            var events = await ReadStreamAsync(name);
            Assert.Equal(name, Assert.Single(events).Stream.Value);
        }
        var all = await ReadAllAsync();
        Assert.Equal(names, all.Select(e => e.Stream.Value));
    }

    [Fact]
    public async Task a_stream_name_of_the_longest_allowed_length_works()
    {
        var name = new string('ß', StreamName.MaxLength);

        await AppendAsync(name, ExpectedVersion.NoStream, TestEvents.One());

        Assert.Equal(name, Assert.Single(await ReadStreamAsync(name)).Stream.Value);
    }

    [Fact]
    public async Task large_events_read_back_byte_for_byte()
    {
        var large = TestEvents.Large(5 * 1024 * 1024);
        var small = TestEvents.One();
        var huge = TestEvents.Large(17 * 1024 * 1024);
        await AppendAsync("big-1", ExpectedVersion.NoStream, large, small);
        await AppendAsync("big-1", ExpectedVersion.Exact(1), huge);

        var events = await ReadStreamAsync("big-1");

        TestEvents.AssertSame(large, events[0]);
        TestEvents.AssertSame(small, events[1]);
        TestEvents.AssertSame(huge, events[2]);
        TestEvents.AssertSame(huge, Assert.Single((await Store.ReadStreamAsync(new StreamName("big-1"), StreamVersion.End, ReadDirection.Backwards, 1)).Events));
    }

    [Fact]
    public async Task many_small_events_in_one_append_read_back_in_order()
    {
        var events = TestEvents.Many(2000);
        await AppendAsync("order-1", ExpectedVersion.NoStream, events);

        var read = await ReadStreamAsync("order-1");

        Assert.Equal(2000, read.Count);
        for (var i = 0; i < events.Length; i++)
        {
            TestEvents.AssertSame(events[i], read[i]);
        }
    }
}

using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Reading the whole log in global order, page by page, and finding events by id.</summary>
public abstract class ReadAllTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    [Fact]
    public async Task an_empty_store_reads_as_empty_with_its_head_at_the_start()
    {
        var slice = await Store.ReadAllAsync(GlobalPosition.Start, 10);

        Assert.Empty(slice.Events);
        Assert.True(slice.IsEnd);
        Assert.Equal(GlobalPosition.Start, slice.Next);
        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task reading_all_pages_through_the_log_in_position_order()
    {
        for (var i = 0; i < 25; i++)
        {
            await AppendAsync($"s-{i % 4}", ExpectedVersion.Any, TestEvents.One($"{i}"));
        }

        var first = await Store.ReadAllAsync(GlobalPosition.Start, 10);
        var second = await Store.ReadAllAsync(first.Next, 10);
        var third = await Store.ReadAllAsync(second.Next, 10);

        Assert.Equal(Enumerable.Range(1, 10).Select(p => (long)p), first.Events.Select(e => e.Position.Value));
        Assert.False(first.IsEnd);
        Assert.Equal(new GlobalPosition(10), first.Next);
        Assert.Equal(Enumerable.Range(11, 10).Select(p => (long)p), second.Events.Select(e => e.Position.Value));
        Assert.Equal(Enumerable.Range(21, 5).Select(p => (long)p), third.Events.Select(e => e.Position.Value));
        Assert.True(third.IsEnd);
        Assert.Equal(new GlobalPosition(25), third.Next);
    }

    [Fact]
    public async Task a_page_that_ends_exactly_at_the_head_says_so()
    {
        await AppendAsync("s-1", ExpectedVersion.Any, TestEvents.Many(10));

        var slice = await Store.ReadAllAsync(GlobalPosition.Start, 10);

        Assert.True(slice.IsEnd);
    }

    [Fact]
    public async Task reading_after_the_head_is_empty_and_keeps_the_position()
    {
        await AppendAsync("s-1", ExpectedVersion.Any, TestEvents.Many(3));

        var slice = await Store.ReadAllAsync(new GlobalPosition(3), 10);
        var beyond = await Store.ReadAllAsync(new GlobalPosition(50), 10);

        Assert.Empty(slice.Events);
        Assert.True(slice.IsEnd);
        Assert.Equal(new GlobalPosition(3), slice.Next);
        Assert.Equal(new GlobalPosition(50), beyond.Next);
    }

    [Fact]
    public async Task reading_all_returns_each_event_with_its_stream_and_version()
    {
        var a = TestEvents.One("a");
        var b = TestEvents.One("b");
        await AppendAsync("alpha-1", ExpectedVersion.NoStream, a);
        await AppendAsync("beta-1", ExpectedVersion.NoStream, b);

        var all = await ReadAllAsync();

        TestEvents.AssertSame(a, all[0]);
        TestEvents.AssertSame(b, all[1]);
        Assert.Equal(("alpha-1", 0L, 1L), (all[0].Stream.Value, all[0].Version.Value, all[0].Position.Value));
        Assert.Equal(("beta-1", 0L, 2L), (all[1].Stream.Value, all[1].Version.Value, all[1].Position.Value));
    }

    [Fact]
    public async Task the_head_is_the_position_of_the_last_event()
    {
        await AppendAsync("s-1", ExpectedVersion.Any, TestEvents.Many(4));
        var last = await AppendAsync("s-2", ExpectedVersion.Any, TestEvents.One());

        Assert.Equal(last.Position, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task an_event_is_found_by_its_id_with_everything_it_was_stored_with()
    {
        var events = TestEvents.Many(3);
        await AppendAsync("order-1", ExpectedVersion.NoStream, events);

        var found = await Store.ReadEventAsync(events[1].EventId);

        Assert.NotNull(found);
        TestEvents.AssertSame(events[1], found);
        Assert.Equal(new StreamVersion(1), found.Version);
        Assert.Equal(new GlobalPosition(2), found.Position);
        Assert.Equal("order-1", found.Stream.Value);
    }

    [Fact]
    public async Task an_unknown_event_id_is_not_found()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One());

        Assert.Null(await Store.ReadEventAsync(Guid.NewGuid()));
    }
}

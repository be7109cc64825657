using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Listing streams for operators' tools: filtered by category and by part of the name, newest written first, paged.</summary>
public abstract class StreamCatalogTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    private IStreamCatalog Catalog => Assert.IsAssignableFrom<IStreamCatalog>(Store);

    [Fact]
    public async Task an_empty_store_lists_no_streams()
    {
        var page = await Catalog.ListStreamsAsync(null, null, 0, 10);

        Assert.Empty(page.Streams);
        Assert.Equal(0, page.TotalMatching);
    }

    [Fact]
    public async Task streams_are_listed_newest_written_first_with_their_last_version_and_position()
    {
        await AppendAsync("order-1", ExpectedVersion.Any, TestEvents.Many(2));
        await AppendAsync("product-1", ExpectedVersion.Any, TestEvents.One("p"));
        await AppendAsync("order-1", ExpectedVersion.Any, TestEvents.One("again"));

        var page = await Catalog.ListStreamsAsync(null, null, 0, 10);

        Assert.Equal(["order-1", "product-1"], page.Streams.Select(s => s.Name.Value));
        Assert.Equal(new StreamVersion(2), page.Streams[0].LastVersion);
        Assert.Equal(new GlobalPosition(4), page.Streams[0].LastPosition);
        Assert.Equal(new StreamVersion(0), page.Streams[1].LastVersion);
        Assert.Equal(2, page.TotalMatching);
    }

    [Fact]
    public async Task a_category_and_a_name_part_narrow_the_list()
    {
        await AppendAsync("order-abc1", ExpectedVersion.Any, TestEvents.One("1"));
        await AppendAsync("order-xyz2", ExpectedVersion.Any, TestEvents.One("2"));
        await AppendAsync("orderline-abc3", ExpectedVersion.Any, TestEvents.One("3"));
        await AppendAsync("$signatures", ExpectedVersion.Any, TestEvents.One("4"));

        var orders = await Catalog.ListStreamsAsync("order", null, 0, 10);
        var abc = await Catalog.ListStreamsAsync(null, "ABC", 0, 10);
        var both = await Catalog.ListStreamsAsync("order", "abc", 0, 10);
        var system = await Catalog.ListStreamsAsync("$signatures", null, 0, 10);

        Assert.Equal(["order-xyz2", "order-abc1"], orders.Streams.Select(s => s.Name.Value));
        Assert.Equal(["orderline-abc3", "order-abc1"], abc.Streams.Select(s => s.Name.Value));
        Assert.Equal(["order-abc1"], both.Streams.Select(s => s.Name.Value));
        Assert.Equal(["$signatures"], system.Streams.Select(s => s.Name.Value));
    }

    [Fact]
    public async Task pages_skip_and_take_and_count_every_match()
    {
        for (var i = 0; i < 7; i++)
        {
            await AppendAsync($"s-{i}", ExpectedVersion.Any, TestEvents.One($"{i}"));
        }

        var second = await Catalog.ListStreamsAsync("s", null, 3, 3);

        Assert.Equal(["s-3", "s-2", "s-1"], second.Streams.Select(s => s.Name.Value));
        Assert.Equal(7, second.TotalMatching);
    }

    [Fact]
    public async Task a_bad_page_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Catalog.ListStreamsAsync(null, null, -1, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Catalog.ListStreamsAsync(null, null, 0, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Catalog.ListStreamsAsync(null, null, 0, 1_001));
    }
}

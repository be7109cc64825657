using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Bad input is refused with an argument error before anything is written, the same way by every store.</summary>
public abstract class ArgumentTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    private static readonly StreamName Order = new("order-1");

    [Fact]
    public async Task an_append_to_a_missing_stream_name_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            async () => await Store.AppendAsync(default, ExpectedVersion.Any, [TestEvents.One()]));

        Assert.Contains("stream name", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task an_append_without_events_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.AppendAsync(Order, ExpectedVersion.Any, null!));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.AppendAsync(Order, ExpectedVersion.Any, []));

        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task an_append_with_a_null_event_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            async () => await Store.AppendAsync(Order, ExpectedVersion.Any, [TestEvents.One(), null!]));

        Assert.Contains("null", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task an_append_naming_one_event_id_twice_is_refused()
    {
        var e = TestEvents.One();

        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.AppendAsync(Order, ExpectedVersion.Any, [e, e]));

        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_large_append_naming_one_event_id_twice_is_refused()
    {
        var events = Enumerable.Range(0, 100).Select(i => TestEvents.One($"e{i}")).ToList();
        events.Add(events[57]);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.AppendAsync(Order, ExpectedVersion.Any, events));

        Assert.Contains(events[57].EventId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task reading_a_stream_from_a_negative_version_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await Store.ReadStreamAsync(Order, new StreamVersion(-1), ReadDirection.Forwards, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await Store.ReadStreamAsync(Order, StreamVersion.None, ReadDirection.Backwards, 10));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_001)]
    public async Task page_sizes_outside_the_allowed_range_are_refused(int maxCount)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await Store.ReadStreamAsync(Order, StreamVersion.Start, ReadDirection.Forwards, maxCount));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ReadAllAsync(GlobalPosition.Start, maxCount));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in Store.SubscribeAsync(GlobalPosition.Start, maxCount))
            {
            }
        });
    }

    [Fact]
    public async Task reading_all_after_a_negative_position_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ReadAllAsync(new GlobalPosition(-1), 10));
    }

    [Fact]
    public async Task reading_a_missing_stream_name_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ReadStreamAsync(default, StreamVersion.Start, ReadDirection.Forwards, 10));
    }

    [Fact]
    public void empty_blank_and_null_stream_names_are_refused_when_made()
    {
        Assert.Throws<ArgumentException>(() => new StreamName(""));
        Assert.Throws<ArgumentException>(() => new StreamName("   "));
        Assert.Throws<ArgumentNullException>(() => new StreamName(null!));
        Assert.Throws<ArgumentException>(() => new StreamName("order\n1"));
        Assert.Throws<ArgumentException>(() => new StreamName(new string('x', StreamName.MaxLength + 1)));
    }

    [Fact]
    public void negative_expected_versions_are_refused_when_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.Exact(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.Exact(StreamVersion.None));
    }

    [Fact]
    public void events_without_id_type_data_or_metadata_are_refused_when_made()
    {
        var data = "{}"u8.ToArray();
        Assert.Throws<ArgumentException>(() => new EventData(Guid.Empty, "test.v1", data, new EventMetadata()));
        Assert.Throws<ArgumentException>(() => new EventData(Guid.NewGuid(), " ", data, new EventMetadata()));
        Assert.Throws<ArgumentException>(() => new EventData(Guid.NewGuid(), "test.v1", ReadOnlyMemory<byte>.Empty, new EventMetadata()));
        Assert.Throws<ArgumentException>(() => new EventData(Guid.NewGuid(), "test.v1", null, new EventMetadata()));
        Assert.Throws<ArgumentNullException>(() => new EventData(Guid.NewGuid(), "test.v1", data, null!));
    }
}

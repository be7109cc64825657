using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Appending the same event ids again: one copy and success for a true retry, an error for anything else.</summary>
public abstract class IdempotencyTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    private static readonly StreamName Order = new("order-1");

    [Fact]
    public async Task appending_the_same_events_again_stores_one_copy_and_reports_already_stored()
    {
        var events = TestEvents.Many(3);
        var first = await Store.AppendAsync(Order, ExpectedVersion.NoStream, events);

        var again = await Store.AppendAsync(Order, ExpectedVersion.NoStream, events);

        Assert.Equal(AppendStatus.AlreadyStored, again.Status);
        Assert.True(again.Succeeded);
        Assert.Equal(first.Position, again.Position);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(3, (await ReadAllAsync()).Count);
    }

    [Fact]
    public async Task a_retry_after_other_appends_still_reports_where_the_events_are()
    {
        var events = TestEvents.Many(2);
        var first = await Store.AppendAsync(Order, ExpectedVersion.Any, events);
        await AppendAsync("order-1", ExpectedVersion.Exact(1), TestEvents.One());
        await AppendAsync("other-1", ExpectedVersion.Any, TestEvents.One());

        var again = await Store.AppendAsync(Order, ExpectedVersion.Exact(5), events);

        Assert.Equal(AppendStatus.AlreadyStored, again.Status);
        Assert.Equal(first.Position, again.Position);
        Assert.Equal(new StreamVersion(1), again.Version);
        Assert.Equal(4, (await ReadAllAsync()).Count);
    }

    [Fact]
    public async Task the_same_event_id_with_other_data_is_refused()
    {
        var original = TestEvents.One("original");
        await AppendAsync("order-1", ExpectedVersion.Any, original);
        var changed = new EventData(original.EventId, original.Type, "{\"label\":\"changed\"}"u8.ToArray(), original.Metadata);

        await Assert.ThrowsAsync<DuplicateEventException>(async () => await Store.AppendAsync(Order, ExpectedVersion.Any, [changed]));

        Assert.Single(await ReadAllAsync());
    }

    [Fact]
    public async Task the_same_event_id_with_another_type_is_refused()
    {
        var original = TestEvents.One();
        await AppendAsync("order-1", ExpectedVersion.Any, original);
        var changed = new EventData(original.EventId, "test.other.v1", original.Data, original.Metadata);

        var error = await Assert.ThrowsAsync<DuplicateEventException>(async () => await Store.AppendAsync(Order, ExpectedVersion.Any, [changed]));

        Assert.Equal(original.EventId, error.EventId);
    }

    [Fact]
    public async Task the_same_event_id_in_another_stream_is_refused()
    {
        var original = TestEvents.One();
        await AppendAsync("order-1", ExpectedVersion.Any, original);

        await Assert.ThrowsAsync<DuplicateEventException>(
            async () => await Store.AppendAsync(new StreamName("order-2"), ExpectedVersion.Any, [original]));

        Assert.False((await Store.ReadStreamAsync(new StreamName("order-2"), StreamVersion.Start, ReadDirection.Forwards, 10)).StreamExists);
    }

    [Fact]
    public async Task an_append_mixing_stored_and_new_event_ids_is_refused_and_writes_nothing()
    {
        var stored = TestEvents.One();
        await AppendAsync("order-1", ExpectedVersion.Any, stored);

        await Assert.ThrowsAsync<DuplicateEventException>(
            async () => await Store.AppendAsync(Order, ExpectedVersion.Any, [stored, TestEvents.One()]));
        await Assert.ThrowsAsync<DuplicateEventException>(
            async () => await Store.AppendAsync(Order, ExpectedVersion.Any, [TestEvents.One(), stored]));

        Assert.Single(await ReadAllAsync());
    }

    [Fact]
    public async Task concurrent_retries_of_one_append_store_one_copy_and_all_succeed()
    {
        var events = TestEvents.Many(2);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            await Store.AppendAsync(Order, ExpectedVersion.Any, events))));

        Assert.Single(results, r => r.Status == AppendStatus.Written);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(results, r => Assert.Equal(new GlobalPosition(2), r.Position));
        Assert.Equal(2, (await ReadAllAsync()).Count);
    }

    [Fact]
    public async Task a_retried_event_is_still_found_by_its_id()
    {
        var original = TestEvents.One();
        await AppendAsync("order-1", ExpectedVersion.Any, original);
        await Store.AppendAsync(Order, ExpectedVersion.Any, [original]);

        var found = await Store.ReadEventAsync(original.EventId);

        Assert.NotNull(found);
        Assert.Equal(new GlobalPosition(1), found.Position);
    }
}

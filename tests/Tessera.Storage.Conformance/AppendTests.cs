using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Appending with each kind of expected version, and what an append reports.</summary>
public abstract class AppendTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    [Fact]
    public async Task appending_to_a_new_stream_with_no_stream_expected_writes_version_zero_at_position_one()
    {
        var result = await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One());

        Assert.Equal(new StreamVersion(0), result.Version);
        Assert.Equal(new GlobalPosition(1), result.Position);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task appending_with_no_stream_expected_to_an_existing_stream_is_a_conflict_reporting_the_actual_version()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(2));

        var result = await Store.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, [TestEvents.One()]);

        Assert.Equal(AppendStatus.WrongExpectedVersion, result.Status);
        Assert.False(result.Succeeded);
        Assert.Equal(new StreamVersion(1), result.Version);
        Assert.Equal(2, (await ReadStreamAsync("order-1")).Count);
    }

    [Fact]
    public async Task appending_with_any_expected_writes_to_new_and_existing_streams()
    {
        await AppendAsync("order-1", ExpectedVersion.Any, TestEvents.One());
        var second = await AppendAsync("order-1", ExpectedVersion.Any, TestEvents.One());

        Assert.Equal(new StreamVersion(1), second.Version);
        Assert.Equal(new GlobalPosition(2), second.Position);
    }

    [Fact]
    public async Task appending_with_the_exact_last_version_expected_writes()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(3));

        var result = await AppendAsync("order-1", ExpectedVersion.Exact(2), TestEvents.One());

        Assert.Equal(new StreamVersion(3), result.Version);
    }

    [Fact]
    public async Task appending_with_a_stale_exact_version_is_a_conflict_that_writes_nothing()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(3));

        var result = await Store.AppendAsync(new StreamName("order-1"), ExpectedVersion.Exact(1), [TestEvents.One()]);

        Assert.Equal(AppendStatus.WrongExpectedVersion, result.Status);
        Assert.Equal(new StreamVersion(2), result.Version);
        Assert.Equal(3, (await ReadStreamAsync("order-1")).Count);
        Assert.Equal(new GlobalPosition(3), await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task appending_with_an_exact_version_to_a_missing_stream_is_a_conflict_reporting_no_version()
    {
        var result = await Store.AppendAsync(new StreamName("order-1"), ExpectedVersion.Exact(0), [TestEvents.One()]);

        Assert.Equal(AppendStatus.WrongExpectedVersion, result.Status);
        Assert.Equal(StreamVersion.None, result.Version);
        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }

    [Fact]
    public async Task an_append_of_several_events_takes_consecutive_versions_and_positions_and_reports_the_last()
    {
        await AppendAsync("other-1", ExpectedVersion.Any, TestEvents.One());

        var result = await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.Many(4));

        Assert.Equal(new StreamVersion(3), result.Version);
        Assert.Equal(new GlobalPosition(5), result.Position);
        var events = await ReadStreamAsync("order-1");
        Assert.Equal([0L, 1, 2, 3], events.Select(e => e.Version.Value));
        Assert.Equal([2L, 3, 4, 5], events.Select(e => e.Position.Value));
    }

    [Fact]
    public async Task streams_keep_their_own_versions_while_positions_count_the_whole_log()
    {
        await AppendAsync("a-1", ExpectedVersion.Any, TestEvents.One());
        await AppendAsync("b-1", ExpectedVersion.Any, TestEvents.One());
        var third = await AppendAsync("a-1", ExpectedVersion.Exact(0), TestEvents.One());

        Assert.Equal(new StreamVersion(1), third.Version);
        Assert.Equal(new GlobalPosition(3), third.Position);
    }

    [Fact]
    public async Task a_failed_expectation_inside_a_run_of_appends_does_not_disturb_the_next_ones()
    {
        await AppendAsync("order-1", ExpectedVersion.NoStream, TestEvents.One());
        var conflict = await Store.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, [TestEvents.One()]);
        var next = await AppendAsync("order-1", ExpectedVersion.Exact(0), TestEvents.One());

        Assert.Equal(AppendStatus.WrongExpectedVersion, conflict.Status);
        Assert.Equal(new GlobalPosition(2), next.Position);
    }

    [Fact]
    public async Task a_canceled_append_is_refused_before_it_writes()
    {
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await Store.AppendAsync(new StreamName("order-1"), ExpectedVersion.Any, [TestEvents.One()], canceled.Token));

        Assert.Equal(GlobalPosition.Start, await Store.ReadHeadAsync());
    }
}

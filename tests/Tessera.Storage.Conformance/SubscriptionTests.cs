using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Catch-up then live subscriptions: every event once, in order, across the switch from stored to new.</summary>
public abstract class SubscriptionTests<THarness> : StoreTests<THarness>
    where THarness : IEventStoreHarness, new()
{
    // Only a safety net so that a lost event fails the test instead of hanging it; no assertion depends on time.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task a_subscription_sees_stored_and_concurrently_appended_events_once_each_in_order()
    {
        for (var i = 0; i < 50; i++)
        {
            await AppendAsync($"s-{i % 5}", ExpectedVersion.Any, TestEvents.One());
        }
        using var timeout = new CancellationTokenSource(Hang);

        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await Store.AppendAsync(new StreamName($"live-{i % 3}"), ExpectedVersion.Any, [TestEvents.One()], timeout.Token);
            }
        });
        var seen = await CollectAsync(GlobalPosition.Start, 7, 150, timeout.Token);
        await producer;

        Assert.Equal(Enumerable.Range(1, 150).Select(p => (long)p), seen.Select(e => e.Position.Value));
    }

    [Fact]
    public async Task a_subscription_from_a_position_starts_after_it()
    {
        await AppendAsync("s-1", ExpectedVersion.Any, TestEvents.Many(10));
        using var timeout = new CancellationTokenSource(Hang);

        var seen = await CollectAsync(new GlobalPosition(6), 100, 4, timeout.Token);

        Assert.Equal([7L, 8, 9, 10], seen.Select(e => e.Position.Value));
    }

    [Fact]
    public async Task a_live_subscription_delivers_each_new_append_as_it_becomes_durable()
    {
        using var timeout = new CancellationTokenSource(Hang);
        await using var subscription = Store.SubscribeAsync(GlobalPosition.Start, 10, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var expected = new List<EventData>();

        for (var i = 0; i < 20; i++)
        {
            var events = TestEvents.Many(1 + (i % 2), $"{i}-");
            expected.AddRange(events);
            var pending = subscription.MoveNextAsync();
            await AppendAsync("live-1", ExpectedVersion.Any, events);
            var received = new List<RecordedEvent>();
            Assert.True(await pending);
            received.AddRange(subscription.Current);
            while (received.Count < events.Length)
            {
                Assert.True(await subscription.MoveNextAsync());
                received.AddRange(subscription.Current);
            }
            Assert.Equal(events.Length, received.Count);
            for (var k = 0; k < events.Length; k++)
            {
                TestEvents.AssertSame(events[k], received[k]);
            }
        }
    }

    [Fact]
    public async Task batches_never_exceed_the_asked_size()
    {
        await AppendAsync("s-1", ExpectedVersion.Any, TestEvents.Many(23));
        using var timeout = new CancellationTokenSource(Hang);
        var sizes = new List<int>();
        var total = 0;

        await foreach (var batch in Store.SubscribeAsync(GlobalPosition.Start, 5, timeout.Token))
        {
            sizes.Add(batch.Count);
            total += batch.Count;
            if (total == 23)
            {
                break;
            }
        }

        Assert.All(sizes, s => Assert.InRange(s, 1, 5));
    }

    private async Task<List<RecordedEvent>> CollectAsync(GlobalPosition after, int maxBatch, int count, CancellationToken cancellationToken)
    {
        var seen = new List<RecordedEvent>();
        await foreach (var batch in Store.SubscribeAsync(after, maxBatch, cancellationToken))
        {
            Assert.InRange(batch.Count, 1, maxBatch);
            seen.AddRange(batch);
            if (seen.Count >= count)
            {
                break;
            }
        }
        return seen;
    }
}

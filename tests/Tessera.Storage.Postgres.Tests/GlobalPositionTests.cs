using System.Collections.Concurrent;
using Npgsql;
using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>
/// Positions are drawn in parallel and commit out of order: a subscriber must still see every committed event once, in
/// position order, never skipping one whose transaction commits after a higher position was committed.
/// </summary>
public sealed class GlobalPositionTests : IAsyncLifetime, IAsyncDisposable
{
    // Only a safety net so that a lost event fails the test instead of hanging it; no assertion depends on time.
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(5);
    private readonly PostgresStoreHarness _harness = new();
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync() => _store = await _harness.OpenAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task a_transaction_held_open_holds_subscribers_back_and_its_events_arrive_in_order_after_it_commits()
    {
        await Append("before-1", 5);
        await using var held = await OpenAsync();
        await using var transaction = await held.BeginTransactionAsync();
        var heldEvents = RawAppend.Events(2, "held");
        var heldLast = await RawAppend.AppendAsync(_store, held, "held-1", heldEvents);
        for (var i = 0; i < 10; i++)
        {
            await Append($"after-{i % 3}", 1);
        }

        Assert.Equal(7, heldLast);
        Assert.Equal(5, await _store.AdvanceMarkAsync(CancellationToken.None));
        using var timeout = new CancellationTokenSource(Hang);
        await using var subscription = _store.SubscribeAsync(GlobalPosition.Start, 100, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var seen = new List<RecordedEvent>();
        while (seen.Count < 5)
        {
            Assert.True(await subscription.MoveNextAsync());
            seen.AddRange(subscription.Current);
        }
        Assert.Equal([1L, 2, 3, 4, 5], seen.Select(e => e.Position.Value));
        var next = subscription.MoveNextAsync();

        await transaction.CommitAsync();
        await RawAppend.NotifyAsync(_store, held);
        Assert.True(await next);
        seen.AddRange(subscription.Current);
        while (seen.Count < 17)
        {
            Assert.True(await subscription.MoveNextAsync());
            seen.AddRange(subscription.Current);
        }

        Assert.Equal(Enumerable.Range(1, 17).Select(p => (long)p), seen.Select(e => e.Position.Value));
        Assert.Equal(heldEvents.Select(e => e.EventId), seen.Where(e => e.Stream.Value == "held-1").Select(e => e.EventId));
        Assert.Equal(new GlobalPosition(17), await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_rolled_back_transaction_leaves_a_hole_that_subscribers_pass_once_it_is_gone()
    {
        await Append("before-1", 3);
        await using (var held = await OpenAsync())
        {
            await using var transaction = await held.BeginTransactionAsync();
            await RawAppend.AppendAsync(_store, held, "doomed-1", RawAppend.Events(4, "doomed"));
            await Append("after-1", 3);
            Assert.Equal(3, await _store.AdvanceMarkAsync(CancellationToken.None));
            await transaction.RollbackAsync();
        }

        var all = await ReadAllAsync();

        Assert.Equal([1L, 2, 3, 8, 9, 10], all.Select(e => e.Position.Value));
        Assert.DoesNotContain(all, e => e.Stream.Value == "doomed-1");
        Assert.Equal(new GlobalPosition(10), await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task commits_delayed_at_random_and_rollbacks_over_100_000_events_skip_nothing_and_the_subscriber_catches_up()
    {
        const int Target = 100_000;
        const int Workers = 16;
        var committed = new ConcurrentDictionary<Guid, string>();
        var committedCount = 0;
        using var timeout = new CancellationTokenSource(Hang);
        var seen = new List<RecordedEvent>();
        var final = TestEvents.One("final");
        var subscriber = Task.Run(async () =>
        {
            await foreach (var batch in _store.SubscribeAsync(GlobalPosition.Start, 1000, timeout.Token))
            {
                seen.AddRange(batch);
                if (batch[^1].EventId == final.EventId)
                {
                    return;
                }
            }
        });

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            await using var connection = await OpenAsync();
            var round = 0;
            while (Volatile.Read(ref committedCount) < Target)
            {
                var events = RawAppend.Events(random.Next(1, 100), $"{w}-{round}-");
                var stream = $"s-{random.Next(500)}";
                await using (var transaction = await connection.BeginTransactionAsync(timeout.Token))
                {
                    await RawAppend.AppendAsync(_store, connection, stream, events);
                    await Task.Delay(random.Next(0, 201), timeout.Token);
                    if (random.Next(10) == 0)
                    {
                        await transaction.RollbackAsync(timeout.Token);
                        round++;
                        continue;
                    }
                    await transaction.CommitAsync(timeout.Token);
                }
                foreach (var e in events)
                {
                    committed[e.EventId] = stream;
                }
                Interlocked.Add(ref committedCount, events.Length);
                await RawAppend.NotifyAsync(_store, connection);
                round++;
            }
        })).ToList();
        await Task.WhenAll(workers);
        // An append after every worker is done marks the end: the subscriber stops when it sees it.
        var last = await _store.AppendAsync(new StreamName("last-1"), ExpectedVersion.Any, [final]);
        await subscriber;

        Assert.True(committedCount >= Target);
        Assert.Equal(committedCount + 1, seen.Count);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Position < p.Second.Position), "positions must strictly increase");
        Assert.Equal(last.Position, seen[^1].Position);
        var received = seen.Take(seen.Count - 1).ToDictionary(e => e.EventId, e => e.Stream.Value);
        Assert.Equal(committed.Count, received.Count);
        Assert.All(committed, c => Assert.Equal(c.Value, received[c.Key]));
    }

    private async Task Append(string stream, int count) =>
        Assert.Equal(AppendStatus.Written, (await _store.AppendAsync(new StreamName(stream), ExpectedVersion.Any, TestEvents.Many(count))).Status);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<List<RecordedEvent>> ReadAllAsync()
    {
        var events = new List<RecordedEvent>();
        var position = GlobalPosition.Start;
        while (true)
        {
            var slice = await _store.ReadAllAsync(position, 1000);
            events.AddRange(slice.Events);
            position = slice.Next;
            if (slice.IsEnd)
            {
                return events;
            }
        }
    }
}

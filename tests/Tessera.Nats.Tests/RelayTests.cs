using NATS.Client.Core;
using NATS.Client.JetStream;
using Tessera.Storage;
using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded;
using Tessera.TestServers;
using Xunit;

namespace Tessera.Nats.Tests;

/// <summary>The relay and the remote reader against a real nats-server with JetStream and a real embedded store.</summary>
public sealed class RelayTests : IAsyncLifetime, IAsyncDisposable
{
    // Only a safety net so that a lost event fails the test instead of hanging it; no assertion depends on time.
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tessera-tests", Guid.NewGuid().ToString("N"));
    private NatsServer _nats = null!;
    private EmbeddedEventStore _store = null!;
    private NatsFanOutOptions _options = null!;

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        _store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder, SegmentSize = 1 << 20 });
        _options = new NatsFanOutOptions { Url = _nats.Url };
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _nats.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task the_relay_publishes_every_event_in_global_order_and_a_reader_gets_them_exactly()
    {
        var appended = await AppendAsync(50);
        using var timeout = new CancellationTokenSource(Hang);
        var relay = RunRelay(timeout.Token, out var relayTask);

        var received = await ReadAsync(GlobalPosition.Start, 50, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 50).Select(p => (long)p), received.Select(e => e.Position.Value));
        for (var i = 0; i < 50; i++)
        {
            TestEvents.AssertSame(appended[i], received[i]);
        }
        await AssertHeldOnceAsync(50);
        await StopAsync(timeout, relayTask);
        Assert.Equal(new GlobalPosition(50), relay.Published);
    }

    [Fact]
    public async Task a_restarted_relay_publishes_no_duplicate()
    {
        await AppendAsync(30);
        using (var first = new CancellationTokenSource(Hang))
        {
            RunRelay(first.Token, out var relayTask);
            await ReadAsync(GlobalPosition.Start, 30, first.Token);
            await StopAsync(first, relayTask);
        }
        await AppendAsync(20);

        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var again);
        var received = await ReadAsync(GlobalPosition.Start, 50, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 50).Select(p => (long)p), received.Select(e => e.Position.Value));
        await AssertHeldOnceAsync(50);
        await StopAsync(timeout, again);
    }

    [Fact]
    public async Task a_broker_that_lost_its_tail_gets_it_again_from_the_store_after_messages_of_the_first_format()
    {
        await AppendAsync(40);
        using (var first = new CancellationTokenSource(Hang))
        {
            RunRelay(first.Token, out var relayTask);
            await ReadAsync(GlobalPosition.Start, 40, first.Token);
            await StopAsync(first, relayTask);
        }
        // The broker comes back holding only the first 25 events, as after a machine crash before JetStream flushed, and
        // holding them one per message, as a relay before batch messages published them.
        await LoseTailAsync(keep: 25, singles: true);
        Assert.Equal(25, (await HeldAsync()).Count);

        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var again);
        var received = await ReadAsync(GlobalPosition.Start, 40, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 40).Select(p => (long)p), received.Select(e => e.Position.Value));
        var held = await AssertHeldOnceAsync(40);
        Assert.All(held.Take(25), m => Assert.Single(m.Events));
        await StopAsync(timeout, again);
    }

    [Fact]
    public async Task a_relay_restarted_after_part_of_a_store_batch_reached_the_broker_publishes_the_rest_once()
    {
        await AppendAsync(40);
        using (var first = new CancellationTokenSource(Hang))
        {
            RunRelay(first.Token, out var relayTask);
            await ReadAsync(GlobalPosition.Start, 40, first.Token);
            await StopAsync(first, relayTask);
        }
        // The broker holds 1..10, 11..20 and 21..25 of what the relay read as one store batch of 40, as when a relay
        // stopped between two messages of a batch it had to split.
        await LoseTailAsync(keep: 25, singles: false, split: 10);

        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var again);
        var fromStart = await ReadAsync(GlobalPosition.Start, 40, timeout.Token);
        var fromInsideABatch = await ReadAsync(new GlobalPosition(17), 23, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 40).Select(p => (long)p), fromStart.Select(e => e.Position.Value));
        Assert.Equal(Enumerable.Range(18, 23).Select(p => (long)p), fromInsideABatch.Select(e => e.Position.Value));
        var held = await AssertHeldOnceAsync(40);
        Assert.Equal([10L, 20L, 25L, 40L], held.Select(m => m.Header));
        await StopAsync(timeout, again);
    }

    [Fact]
    public async Task the_relay_packs_consecutive_events_into_messages_named_by_their_last_position()
    {
        await AppendAsync(50);
        _options.BatchSize = 20;
        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var relayTask);

        await ReadAsync(GlobalPosition.Start, 50, timeout.Token);

        // The relay read the store 20 at a time, and each read went out as one message.
        var held = await AssertHeldOnceAsync(50);
        Assert.Equal([20L, 40L, 50L], held.Select(m => m.Header));
        await StopAsync(timeout, relayTask);
    }

    [Fact]
    public async Task events_too_large_for_one_message_together_go_out_in_several()
    {
        var appended = new List<EventData>();
        for (var i = 0; i < 5; i++)
        {
            var e = TestEvents.Large(400_000);
            appended.Add(e);
            await _store.AppendAsync(new StreamName($"large-{i}"), ExpectedVersion.NoStream, [e]);
        }
        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var relayTask);

        var received = await ReadAsync(GlobalPosition.Start, 5, timeout.Token);

        for (var i = 0; i < 5; i++)
        {
            TestEvents.AssertSame(appended[i], received[i]);
        }
        // nats-server accepts 1 MiB per message by default: two of these events fit in one, not three.
        var held = await AssertHeldOnceAsync(5);
        Assert.All(held, m => Assert.InRange(m.Events.Length, 1, 2));
        await StopAsync(timeout, relayTask);
    }

    [Fact]
    public async Task a_reader_starting_from_its_checkpoint_skips_what_it_already_applied()
    {
        await AppendAsync(30);
        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var relayTask);

        var received = await ReadAsync(new GlobalPosition(22), 8, timeout.Token);

        Assert.Equal(Enumerable.Range(23, 8).Select(p => (long)p), received.Select(e => e.Position.Value));
        // The relay found all 30 in the store at once and sent them as one message, so the checkpoint fell inside it.
        Assert.Single(await AssertHeldOnceAsync(30));
        await StopAsync(timeout, relayTask);
    }

    [Fact]
    public async Task the_relay_and_a_reader_carry_on_across_a_restart_of_nats_itself()
    {
        await AppendAsync(20);
        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var relayTask);
        await ReadAsync(GlobalPosition.Start, 20, timeout.Token);

        _nats.Kill();
        await AppendAsync(15);
        await _nats.StartAgainAsync();
        await AppendAsync(15);
        var received = await ReadAsync(GlobalPosition.Start, 50, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 50).Select(p => (long)p), received.Select(e => e.Position.Value));
        await AssertHeldOnceAsync(50);
        await StopAsync(timeout, relayTask);
    }

    private async Task<List<EventData>> AppendAsync(int count)
    {
        var events = new List<EventData>();
        for (var i = 0; i < count; i++)
        {
            var e = TestEvents.One($"{i}");
            events.Add(e);
            var result = await _store.AppendAsync(new StreamName($"order-{i % 4}"), ExpectedVersion.Any, [e]);
            Assert.Equal(AppendStatus.Written, result.Status);
        }
        return events;
    }

    private NatsEventRelay RunRelay(CancellationToken cancellationToken, out Task running)
    {
        var relay = new NatsEventRelay(_store, _options);
        running = Task.Run(() => relay.RunAsync(cancellationToken), CancellationToken.None);
        return relay;
    }

    private static async Task StopAsync(CancellationTokenSource timeout, Task relay)
    {
        await timeout.CancelAsync();
        try
        {
            await relay;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<List<RecordedEvent>> ReadAsync(GlobalPosition after, int count, CancellationToken cancellationToken)
    {
        var source = new NatsEventSource(_options);
        var received = new List<RecordedEvent>();
        await foreach (var batch in source.SubscribeAsync(after, 7, cancellationToken))
        {
            Assert.InRange(batch.Count, 1, 7);
            received.AddRange(batch);
            if (received.Count >= count)
            {
                break;
            }
        }
        return received;
    }

    private Task<List<(long Header, long[] Events)>> HeldAsync() => StreamMessages.HeldAsync(_nats.Url, _options);

    /// <summary>Asserts that the stream holds events 1..<paramref name="count"/> each once, in order, and that each message is named by its last event.</summary>
    private async Task<List<(long Header, long[] Events)>> AssertHeldOnceAsync(int count)
    {
        var held = await HeldAsync();
        Assert.Equal(Enumerable.Range(1, count).Select(p => (long)p), held.SelectMany(m => m.Events));
        Assert.All(held, m => Assert.Equal(m.Events[^1], m.Header));
        return held;
    }

    /// <summary>Replaces the stream by one holding the store's first <paramref name="keep"/> events, one per message or in batches of up to <paramref name="split"/>.</summary>
    private async Task LoseTailAsync(int keep, bool singles, int split = int.MaxValue)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var js = new NatsJSContext(nats);
        await js.DeleteStreamAsync(_options.Stream);
        await NatsEventRelay.EnsureStreamAsync(js, _options, CancellationToken.None);
        var slice = await _store.ReadAllAsync(GlobalPosition.Start, keep);
        var previous = GlobalPosition.Start;
        foreach (var chunk in slice.Events.Chunk(singles ? 1 : split))
        {
            if (singles)
            {
                await StreamMessages.PublishSingleAsync(js, _options, chunk[0], previous);
            }
            else
            {
                await StreamMessages.PublishBatchAsync(js, _options, chunk, previous);
            }
            previous = chunk[^1].Position;
        }
    }
}

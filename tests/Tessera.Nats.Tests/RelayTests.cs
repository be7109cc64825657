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
        Assert.Equal(50L, await MessageCountAsync());
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
        Assert.Equal(50L, await MessageCountAsync());
        await StopAsync(timeout, again);
    }

    [Fact]
    public async Task a_broker_that_lost_its_tail_gets_it_again_from_the_store()
    {
        await AppendAsync(40);
        using (var first = new CancellationTokenSource(Hang))
        {
            RunRelay(first.Token, out var relayTask);
            await ReadAsync(GlobalPosition.Start, 40, first.Token);
            await StopAsync(first, relayTask);
        }
        // The broker comes back holding only the first 25 events, as after a machine crash before JetStream flushed.
        await LoseTailAsync(keep: 25);
        Assert.Equal(25L, await MessageCountAsync());

        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var again);
        var received = await ReadAsync(GlobalPosition.Start, 40, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 40).Select(p => (long)p), received.Select(e => e.Position.Value));
        Assert.Equal(40L, await MessageCountAsync());
        await StopAsync(timeout, again);
    }

    [Fact]
    public async Task a_reader_starting_from_its_checkpoint_skips_what_it_already_applied()
    {
        await AppendAsync(30);
        using var timeout = new CancellationTokenSource(Hang);
        RunRelay(timeout.Token, out var relayTask);

        var received = await ReadAsync(new GlobalPosition(22), 8, timeout.Token);

        Assert.Equal(Enumerable.Range(23, 8).Select(p => (long)p), received.Select(e => e.Position.Value));
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
        Assert.Equal(50L, await MessageCountAsync());
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

    private async Task<long> MessageCountAsync()
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var stream = await new NatsJSContext(nats).GetStreamAsync(_options.Stream);
        return stream.Info.State.Messages;
    }

    private async Task LoseTailAsync(int keep)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var js = new NatsJSContext(nats);
        await js.DeleteStreamAsync(_options.Stream);
        await NatsEventRelay.EnsureStreamAsync(js, _options, CancellationToken.None);
        var slice = await _store.ReadAllAsync(GlobalPosition.Start, keep);
        foreach (var e in slice.Events)
        {
            var ack = await js.PublishAsync(_options.Subject, e.Data.ToArray(), opts: new NatsJSPubOpts { MsgId = e.Position.ToString() }, headers: EventMessages.Headers(e));
            ack.EnsureSuccess();
        }
    }
}

using NATS.Client.Core;
using NATS.Client.JetStream;
using Tessera.Storage;
using Tessera.Storage.Conformance;
using Tessera.TestServers;
using Xunit;

namespace Tessera.Nats.Tests;

/// <summary>
/// The remote reader on a stream whose global positions have gaps (as a PostgreSQL store leaves after rolled-back
/// transactions), so JetStream sequences and positions differ; messages are published as the relay does (batches of
/// consecutive events), or one event per message as relays did before batches.
/// </summary>
public sealed class EventSourceTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);
    private static readonly long[] Positions = [3, 4, 10, 11, 12, 20, 31, 32, 40, 57, 58, 59, 70];

    // Batches as a relay may cut them: message 1 holds 3..10, message 2 holds 11..31, message 3 32..57, message 4 58..70.
    private static readonly int[] BatchSizes = [3, 4, 3, 3];
    private NatsServer _nats = null!;
    private NatsFanOutOptions _options = null!;

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        _options = new NatsFanOutOptions { Url = _nats.Url };
    }

    public async Task DisposeAsync() => await _nats.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task a_reader_starts_at_the_first_message_after_its_checkpoint_without_reading_the_ones_before(bool batches)
    {
        // A first message that is not an event: a reader that read the stream from its start would stop on it.
        await PublishAsync(includeForeignFirst: true, batches);
        await using var source = new NatsEventSource(_options);
        using var timeout = new CancellationTokenSource(Hang);

        var received = new List<long>();
        await foreach (var batch in source.SubscribeAsync(new GlobalPosition(11), 4, timeout.Token))
        {
            received.AddRange(batch.Select(e => e.Position.Value));
            if (received.Count >= 9)
            {
                break;
            }
        }

        Assert.Equal(Positions.Where(p => p > 11), received);
    }

    [Theory]
    [InlineData(0, 1L)]
    [InlineData(2, 1L)]
    [InlineData(3, 2L)]
    [InlineData(5, 3L)]
    [InlineData(12, 6L)]
    [InlineData(56, 10L)]
    [InlineData(69, 13L)]
    [InlineData(70, 14L)]
    [InlineData(1000, 14L)]
    public async Task the_start_sequence_is_the_first_message_whose_position_is_after_the_checkpoint(long checkpoint, long sequence)
    {
        await PublishAsync(includeForeignFirst: false, batches: false);
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var stream = await new NatsJSContext(nats).GetStreamAsync(_options.Stream);

        Assert.Equal((ulong)sequence, await NatsEventSource.StartSequenceAsync(stream, new GlobalPosition(checkpoint), CancellationToken.None));
    }

    [Theory]
    [InlineData(0, 1L)]
    [InlineData(3, 1L)]
    [InlineData(5, 1L)]
    [InlineData(10, 2L)]
    [InlineData(12, 2L)]
    [InlineData(31, 3L)]
    [InlineData(56, 3L)]
    [InlineData(57, 4L)]
    [InlineData(69, 4L)]
    [InlineData(70, 5L)]
    [InlineData(1000, 5L)]
    public async Task the_start_sequence_is_the_first_batch_that_holds_an_event_after_the_checkpoint(long checkpoint, long sequence)
    {
        await PublishAsync(includeForeignFirst: false, batches: true);
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var stream = await new NatsJSContext(nats).GetStreamAsync(_options.Stream);

        Assert.Equal((ulong)sequence, await NatsEventSource.StartSequenceAsync(stream, new GlobalPosition(checkpoint), CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task pages_and_the_head_come_from_what_the_stream_holds(bool batches)
    {
        await using var source = new NatsEventSource(_options);
        Assert.Equal(GlobalPosition.Start, await source.ReadHeadAsync());
        Assert.Empty((await source.ReadAllAsync(GlobalPosition.Start, 10)).Events);
        await PublishAsync(includeForeignFirst: false, batches);

        var pages = new List<AllSlice>();
        var after = new GlobalPosition(10);
        do
        {
            pages.Add(await source.ReadAllAsync(after, 4));
            after = pages[^1].Next;
        }
        while (!pages[^1].IsEnd);

        Assert.Equal(new GlobalPosition(70), await source.ReadHeadAsync());
        Assert.Equal(Positions.Where(p => p > 10), pages.SelectMany(p => p.Events).Select(e => e.Position.Value));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(4, p.Events.Count));
        Assert.Equal(new GlobalPosition(70), pages[^1].Next);
        var first = pages[0].Events[0];
        Assert.Equal("order-11", first.Stream.Value);
        Assert.Equal("zoë@example.org", first.Metadata.User);
    }

    [Fact]
    public async Task a_subscription_ends_with_a_clear_error_on_a_message_of_an_unknown_format()
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var js = new NatsJSContext(nats);
        await NatsEventRelay.EnsureStreamAsync(js, _options, CancellationToken.None);
        var headers = new NatsHeaders { [EventMessages.Position] = "5", [EventMessages.Format] = "batch.v9" };
        (await js.PublishAsync(_options.Subject, new byte[] { 1, 2, 3 }, headers: headers)).EnsureSuccess();
        await using var source = new NatsEventSource(_options);
        using var timeout = new CancellationTokenSource(Hang);

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var batch in source.SubscribeAsync(GlobalPosition.Start, 10, timeout.Token))
            {
                Assert.Fail($"A batch of {batch.Count} came from a message of an unknown format.");
            }
        });
        Assert.Contains("'batch.v9'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task bad_arguments_are_refused_by_name()
    {
        await using var source = new NatsEventSource(_options);
        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await source.ReadAllAsync(new GlobalPosition(-1), 10));
        Assert.Equal("after", negative.ParamName);
        var batch = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await source.ReadAllAsync(GlobalPosition.Start, 0));
        Assert.Equal("maxCount", batch.ParamName);
    }

    private async Task PublishAsync(bool includeForeignFirst, bool batches)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var js = new NatsJSContext(nats);
        await NatsEventRelay.EnsureStreamAsync(js, _options, CancellationToken.None);
        if (includeForeignFirst)
        {
            (await js.PublishAsync(_options.Subject, "not an event"u8.ToArray())).EnsureSuccess();
        }
        var events = Positions.Select(position =>
        {
            var data = TestEvents.One($"{position}");
            return new RecordedEvent(data.EventId, new StreamName($"order-{position}"), new StreamVersion(0), new GlobalPosition(position), data.Type, data.Data, data.Metadata);
        }).ToList();
        var previous = GlobalPosition.Start;
        if (!batches)
        {
            foreach (var e in events)
            {
                await StreamMessages.PublishSingleAsync(js, _options, e, previous);
                previous = e.Position;
            }
            return;
        }
        var taken = 0;
        foreach (var size in BatchSizes)
        {
            var batch = events.GetRange(taken, size);
            await StreamMessages.PublishBatchAsync(js, _options, batch, previous);
            previous = batch[^1].Position;
            taken += size;
        }
    }
}

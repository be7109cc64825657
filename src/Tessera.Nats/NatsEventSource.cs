using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// The event source of a remote read instance: consumes the JetStream stream the relay fills and yields the events
/// after a checkpoint in global order, in batches, like <see cref="IEventReader.SubscribeAsync"/>. Anything at or below
/// the checkpoint (or already yielded) is skipped, so a reader that checkpoints by global position never applies an
/// event twice, whatever the broker redelivers.
/// </summary>
public sealed class NatsEventSource
{
    private readonly NatsFanOutOptions _options;

    /// <summary>Creates a source reading the stream in <paramref name="options"/>.</summary>
    public NatsEventSource(NatsFanOutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Yields batches of at most <paramref name="maxBatch"/> events after <paramref name="after"/>: what the stream holds, then each new one.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (after.Value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(after), after.Value, "A global position cannot be negative.");
        }
        if (maxBatch is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "A batch holds 1 to 100000 events.");
        }
        await using var nats = new NatsConnection(new NatsOpts { Url = _options.Url, Name = "tessera-reader" });
        var js = new NatsJSContext(nats);
        var consumer = await CreateConsumerAsync(js, cancellationToken);
        var messages = Channel.CreateBounded<INatsJSMsg<byte[]>>(new BoundedChannelOptions(Math.Max(maxBatch, 1000)) { SingleWriter = true, SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: stop.Token))
                {
                    await messages.Writer.WriteAsync(message, stop.Token);
                }
                messages.Writer.TryComplete();
            }
            catch (Exception error)
            {
                messages.Writer.TryComplete(error is OperationCanceledException ? null : error);
            }
        }, CancellationToken.None);
        try
        {
            var cursor = after;
            while (await messages.Reader.WaitToReadAsync(cancellationToken))
            {
                var batch = new List<RecordedEvent>(maxBatch);
                while (batch.Count < maxBatch && messages.Reader.TryRead(out var message))
                {
                    var position = EventMessages.PositionOf(message.Headers);
                    if (position <= cursor)
                    {
                        continue;
                    }
                    batch.Add(EventMessages.Read(message.Headers, message.Data));
                    cursor = position;
                }
                if (batch.Count > 0)
                {
                    yield return batch;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await pump;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task<INatsJSConsumer> CreateConsumerAsync(NatsJSContext js, CancellationToken cancellationToken)
    {
        // The stream may not exist yet when a read instance starts before the relay: wait for it.
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                await js.GetStreamAsync(_options.Stream, cancellationToken: cancellationToken);
                return await js.CreateOrderedConsumerAsync(_options.Stream, new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All }, cancellationToken);
            }
            catch (NatsJSApiException error) when (NatsEventRelay.IsStreamMissing(error))
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }
}

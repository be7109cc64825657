using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Tessera.Projections;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// The event source of a remote read instance: consumes the JetStream stream the relay fills and yields the events
/// after a checkpoint in global order, in batches. It starts at the first message after the checkpoint (found by a
/// binary search over the stream's sequences, since sequences and global positions differ when the store has gaps),
/// resumes by itself after the broker restarts, and skips anything at or below what it already yielded, so a reader that
/// checkpoints by global position never applies an event twice, whatever the broker redelivers.
/// </summary>
public sealed partial class NatsEventSource : IProjectionEventSource, IAsyncDisposable
{
    private readonly NatsFanOutOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<NatsConnection> _requests;

    /// <summary>Creates a source reading the stream in <paramref name="options"/>.</summary>
    public NatsEventSource(NatsFanOutOptions options, ILogger<NatsEventSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _requests = new(() => new NatsConnection(new NatsOpts { Url = _options.Url, Name = "tessera-reader-requests" }));
    }

    /// <summary>The position of the last event the stream holds, <see cref="GlobalPosition.Start"/> when it holds none or does not exist yet.</summary>
    public async ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await NatsEventRelay.LastHeldAsync(new NatsJSContext(_requests.Value), _options, cancellationToken);
        }
        catch (NatsJSApiException error) when (NatsEventRelay.IsStreamMissing(error))
        {
            return GlobalPosition.Start;
        }
    }

    /// <summary>Reads up to <paramref name="maxCount"/> events after <paramref name="after"/> from what the stream holds now.</summary>
    public async ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        CheckArguments(after, maxCount, nameof(maxCount));
        var js = new NatsJSContext(_requests.Value);
        INatsJSStream stream;
        try
        {
            stream = await js.GetStreamAsync(_options.Stream, cancellationToken: cancellationToken);
        }
        catch (NatsJSApiException error) when (NatsEventRelay.IsStreamMissing(error))
        {
            return new AllSlice([], after, IsEnd: true);
        }
        var start = await StartSequenceAsync(stream, after, cancellationToken);
        var last = stream.Info.State.LastSeq;
        var events = new List<RecordedEvent>(Math.Min(maxCount, 1024));
        var sequence = start;
        var cut = false;
        // Messages are read one request each, by sequence; this path serves rebuilds, the live path is the consumer.
        while (events.Count < maxCount && sequence <= last)
        {
            var message = await GetAsync(stream, sequence++, cancellationToken);
            if (message is { } m && EventMessages.PositionOfRaw(m.Hdrs) > after)
            {
                var from = events.Count == 0 ? after : events[^1].Position;
                EventMessages.ReadRaw(m.Hdrs, m.Data, from, events, maxCount - events.Count);
                // A batch message cut by maxCount: the next page starts in it again (the start search finds it).
                cut = events.Count == maxCount && events[^1].Position < EventMessages.PositionOfRaw(m.Hdrs);
            }
        }
        return new AllSlice(events, events.Count == 0 ? after : events[^1].Position, IsEnd: sequence > last && !cut);
    }

    /// <summary>Yields batches of at most <paramref name="maxBatch"/> events after <paramref name="after"/>: what the stream holds, then each new one.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckArguments(after, maxBatch, nameof(maxBatch));
        var events = Channel.CreateBounded<RecordedEvent>(new BoundedChannelOptions(Math.Max(maxBatch, 1000)) { SingleWriter = true, SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(() => PumpAsync(after, events.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await events.Reader.WaitToReadAsync(cancellationToken))
            {
                var batch = new List<RecordedEvent>(Math.Min(maxBatch, events.Reader.Count));
                while (batch.Count < maxBatch && events.Reader.TryRead(out var e))
                {
                    batch.Add(e);
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
            await pump;
        }
    }

    /// <summary>Closes the connection used for head and page requests.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_requests.IsValueCreated)
        {
            await _requests.Value.DisposeAsync();
        }
    }

    /// <summary>Consumes the stream into <paramref name="events"/> in global order, starting over after the last event written whenever the broker fails.</summary>
    private async Task PumpAsync(GlobalPosition after, ChannelWriter<RecordedEvent> events, CancellationToken stop)
    {
        var cursor = after;
        var decoded = new List<RecordedEvent>();
        Exception? fatal = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var nats = new NatsConnection(new NatsOpts { Url = _options.Url, Name = "tessera-reader" });
                var consumer = await CreateConsumerAsync(new NatsJSContext(nats), cursor, stop);
                // A message holds up to 1 MiB of events: 64 pulled ahead bound what waits in memory.
                await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 64 }, cancellationToken: stop))
                {
                    if (EventMessages.PositionOf(message.Headers) <= cursor)
                    {
                        continue;
                    }
                    decoded.Clear();
                    EventMessages.Read(message.Headers, message.Data, cursor, decoded);
                    foreach (var e in decoded)
                    {
                        await events.WriteAsync(e, stop);
                        cursor = e.Position;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (InvalidDataException error)
            {
                fatal = error;
                break;
            }
            catch (Exception error) when (error is NatsException or IOException or TimeoutException or OperationCanceledException)
            {
                LogConsumeFailed(_logger, cursor.Value, error);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        events.TryComplete(fatal);
    }

    private async Task<INatsJSConsumer> CreateConsumerAsync(NatsJSContext js, GlobalPosition after, CancellationToken cancellationToken)
    {
        // The stream may not exist yet when a read instance starts before the relay: wait for it.
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                var stream = await js.GetStreamAsync(_options.Stream, cancellationToken: cancellationToken);
                var start = await StartSequenceAsync(stream, after, cancellationToken);
                LogConsuming(_logger, _options.Stream, after.Value, start);
                return await js.CreateOrderedConsumerAsync(
                    _options.Stream,
                    new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence, OptStartSeq = start },
                    cancellationToken);
            }
            catch (NatsJSApiException error) when (NatsEventRelay.IsStreamMissing(error))
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    /// <summary>
    /// The sequence of the first message whose position is after <paramref name="after"/> (one past the last when none is):
    /// positions grow with sequences, so a binary search reads about log2(messages) headers instead of the whole stream.
    /// </summary>
    internal static async Task<ulong> StartSequenceAsync(INatsJSStream stream, GlobalPosition after, CancellationToken cancellationToken)
    {
        var state = stream.Info.State;
        if (state.Messages == 0)
        {
            return state.LastSeq + 1;
        }
        ulong low = state.FirstSeq, high = state.LastSeq + 1;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var message = await GetAsync(stream, middle, cancellationToken);
            if (message is null)
            {
                // A message removed from the middle (by hand; the relay never deletes): read from the start and let the skip filter work.
                return state.FirstSeq;
            }
            if (EventMessages.PositionOfRaw(message.Hdrs) <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private static async Task<StoredMessage?> GetAsync(INatsJSStream stream, ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            return (await stream.GetAsync(new StreamMsgGetRequest { Seq = sequence }, cancellationToken)).Message;
        }
        catch (NatsJSApiException error) when (error.Error.ErrCode == 10037)
        {
            return null;
        }
    }

    private static void CheckArguments(GlobalPosition after, int max, string maxName)
    {
        if (after.Value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(after), after.Value, "A global position cannot be negative.");
        }
        if (max is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(maxName, max, "A batch holds 1 to 100000 events.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming JetStream stream {Stream} after position {Position}, from sequence {Sequence}.")]
    private static partial void LogConsuming(ILogger logger, string stream, long position, ulong sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming events from NATS failed after position {Position}; starting again from there.")]
    private static partial void LogConsumeFailed(ILogger logger, long position, Exception error);
}

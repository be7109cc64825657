using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// The write side's relay: publishes committed events in global order to a JetStream stream, in batch messages of
/// consecutive events (<see cref="EventBatchWriter"/>) with the last event's global position as the message id. The
/// event store is the truth and the broker a copy: on every start the relay asks the stream for the last message it
/// actually holds and resumes after it, so a restart publishes no duplicate and a broker that lost its tail (JetStream
/// on nats-server 2.9 does not flush every write) gets the tail again.
/// </summary>
public sealed partial class NatsEventRelay
{
    // Messages published and not yet acknowledged; the relay waits when this many are.
    private const int MaxInFlight = 64;
    private readonly IEventReader _store;
    private readonly NatsFanOutOptions _options;
    private readonly ILogger _logger;
    private long _published;

    /// <summary>Creates a relay from <paramref name="store"/> to the stream in <paramref name="options"/>.</summary>
    public NatsEventRelay(IEventReader store, NatsFanOutOptions options, ILogger<NatsEventRelay>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The position of the last event the broker acknowledged.</summary>
    public GlobalPosition Published => new(Volatile.Read(ref _published));

    /// <summary>Relays until canceled, starting again from the broker's last message after any failure.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RelayAsync(cancellationToken);
            }
            catch (Exception error) when (error is NatsException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                LogRelayFailed(_logger, error);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _options.Url, Name = "tessera-relay" });
        var js = new NatsJSContext(nats);
        await EnsureStreamAsync(js, _options, cancellationToken);
        var last = await LastHeldAsync(js, _options, cancellationToken);
        Volatile.Write(ref _published, last.Value);
        LogResuming(_logger, _options.Stream, last.Value);
        var lastId = last == GlobalPosition.Start ? null : last.ToString();
        using var writer = new EventBatchWriter(MaxPayload(nats));
        await using var window = new AckWindow(MaxInFlight, p => Volatile.Write(ref _published, p.Value), cancellationToken);
        try
        {
            await foreach (var batch in _store.SubscribeAsync(last, _options.BatchSize, window.Token))
            {
                // A store batch goes out as few messages as the size limit allows, as soon as it is read.
                for (var next = 0; next < batch.Count;)
                {
                    writer.Clear();
                    while (next < batch.Count && writer.TryAdd(batch[next]))
                    {
                        next++;
                    }
                    var id = writer.Last.ToString();
                    // The expectation on the previous message id makes the broker refuse anything out of order, so a
                    // failed publish can never leave a hole that a later one papers over: every later one fails too.
                    // The payload is copied into the connection's buffer before the publish returns, so the writer is free again.
                    var future = await js.PublishConcurrentAsync(
                        _options.Subject,
                        writer.Payload,
                        opts: new NatsJSPubOpts { MsgId = id, ExpectedLastMsgId = lastId },
                        headers: EventMessages.BatchHeaders(writer.Last),
                        cancellationToken: window.Token);
                    await window.AddAsync(future, writer.Last);
                    lastId = id;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // An acknowledgement failed and stopped the publishing: CompleteAsync throws that failure.
        }
        await window.CompleteAsync();
    }

    /// <summary>The largest payload to publish: what the server accepts (headers count too), at most 1 MiB.</summary>
    private static int MaxPayload(NatsConnection nats)
    {
        const int headerRoom = 1024;
        var server = nats.ServerInfo?.MaxPayload ?? 1024 * 1024;
        return Math.Min(server, 1024 * 1024) - headerRoom;
    }

    /// <summary>Creates the stream if it is missing (file storage), leaving an existing one as it is.</summary>
    internal static async Task EnsureStreamAsync(INatsJSContext js, NatsFanOutOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await js.GetStreamAsync(options.Stream, cancellationToken: cancellationToken);
        }
        catch (NatsJSApiException error) when (IsStreamMissing(error))
        {
            await js.CreateStreamAsync(
                new StreamConfig(options.Stream, [options.Subject]) { Storage = StreamConfigStorage.File, DuplicateWindow = TimeSpan.FromMinutes(2) },
                cancellationToken);
        }
    }

    /// <summary>The position of the last event the stream holds, <see cref="GlobalPosition.Start"/> when it holds none.</summary>
    internal static async Task<GlobalPosition> LastHeldAsync(INatsJSContext js, NatsFanOutOptions options, CancellationToken cancellationToken)
    {
        var stream = await js.GetStreamAsync(options.Stream, cancellationToken: cancellationToken);
        if (stream.Info.State.Messages == 0)
        {
            return GlobalPosition.Start;
        }
        var last = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = options.Subject }, cancellationToken);
        return EventMessages.PositionOfRaw(last.Message.Hdrs);
    }

    /// <summary>JetStream's answer for a stream that does not exist (error code 10059, HTTP-like 404).</summary>
    internal static bool IsStreamMissing(NatsJSApiException error) => error.Error.ErrCode == 10059 || error.Error.Code == 404;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying events to NATS failed; starting again from the broker's last message in one second.")]
    private static partial void LogRelayFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relaying events to JetStream stream {Stream} after position {Position}.")]
    private static partial void LogResuming(ILogger logger, string stream, long position);
}

using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Tessera.Storage;

namespace Tessera.Nats.Tests;

/// <summary>What a JetStream stream holds, message by message, and messages written as the relay writes them (in either format).</summary>
internal static class StreamMessages
{
    // The options of the core's source-generated context, which the first format used for the metadata header.
    private static readonly JsonSerializerOptions FirstFormatJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Every message in the stream as (the position its header names, the positions of the events it carries), without skipping any.</summary>
    public static async Task<List<(long Header, long[] Events)>> HeldAsync(string url, NatsFanOutOptions options)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = url });
        var stream = await new NatsJSContext(nats).GetStreamAsync(options.Stream);
        var held = new List<(long, long[])>();
        for (var sequence = stream.Info.State.FirstSeq; sequence <= stream.Info.State.LastSeq && stream.Info.State.Messages > 0; sequence++)
        {
            var message = (await stream.GetAsync(new StreamMsgGetRequest { Seq = sequence })).Message;
            var events = new List<RecordedEvent>();
            EventMessages.ReadRaw(message.Hdrs, message.Data, GlobalPosition.Start, events, int.MaxValue);
            held.Add((EventMessages.PositionOfRaw(message.Hdrs).Value, [.. events.Select(e => e.Position.Value)]));
        }
        return held;
    }

    /// <summary>Publishes <paramref name="events"/> as one batch message, as the relay does.</summary>
    public static async Task PublishBatchAsync(INatsJSContext js, NatsFanOutOptions options, IReadOnlyList<RecordedEvent> events, GlobalPosition previous)
    {
        using var writer = new EventBatchWriter(1 << 20);
        foreach (var e in events)
        {
            Xunit.Assert.True(writer.TryAdd(e));
        }
        var ack = await js.PublishAsync(
            options.Subject,
            writer.Payload,
            opts: new NatsJSPubOpts { MsgId = writer.Last.ToString(), ExpectedLastMsgId = previous == GlobalPosition.Start ? null : previous.ToString() },
            headers: EventMessages.BatchHeaders(writer.Last));
        ack.EnsureSuccess();
    }

    /// <summary>Publishes <paramref name="e"/> in the first format: one event per message, its fields in headers, as relays did before batches.</summary>
    public static async Task PublishSingleAsync(INatsJSContext js, NatsFanOutOptions options, RecordedEvent e, GlobalPosition previous)
    {
        var headers = new NatsHeaders
        {
            [EventMessages.Position] = e.Position.ToString(),
            [EventMessages.EventId] = e.EventId.ToString("D"),
            [EventMessages.Stream] = Uri.EscapeDataString(e.Stream.Value),
            [EventMessages.Version] = e.Version.Value.ToString(CultureInfo.InvariantCulture),
            [EventMessages.Type] = e.Type,
            [EventMessages.Metadata] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(e.Metadata, FirstFormatJson)),
        };
        var ack = await js.PublishAsync(
            options.Subject,
            e.Data.ToArray(),
            opts: new NatsJSPubOpts { MsgId = e.Position.ToString(), ExpectedLastMsgId = previous == GlobalPosition.Start ? null : previous.ToString() },
            headers: headers);
        ack.EnsureSuccess();
    }
}

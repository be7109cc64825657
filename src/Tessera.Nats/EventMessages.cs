using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// How recorded events travel as JetStream messages. The relay publishes format "batch.v1": consecutive events in one
/// payload (<see cref="EventBatchWriter"/>), with the last event's position in the Tessera-Position header and as the
/// message id. Readers also accept the first format, one event per message with its fields in headers, so a stream
/// that an older relay began can be read and continued.
/// </summary>
internal static class EventMessages
{
    public const string Position = "Tessera-Position";
    public const string Format = "Tessera-Format";
    public const string BatchFormat = "batch.v1";
    public const string EventId = "Tessera-Event-Id";
    public const string Stream = "Tessera-Stream";
    public const string Version = "Tessera-Version";
    public const string Type = "Tessera-Type";
    public const string Metadata = "Tessera-Metadata";

    /// <summary>The headers of a batch message whose last event is at <paramref name="last"/>.</summary>
    public static NatsHeaders BatchHeaders(GlobalPosition last) => new()
    {
        [Position] = last.ToString(),
        [Format] = BatchFormat,
    };

    /// <summary>The position of the last event a message carries.</summary>
    public static GlobalPosition PositionOf(NatsHeaders? headers) =>
        new(long.Parse(Single(headers, Position), CultureInfo.InvariantCulture));

    /// <summary>The position in headers as the stream's message-get API returns them: base64 of "NATS/1.0" and header lines.</summary>
    public static GlobalPosition PositionOfRaw(string? encodedHeaders) => PositionOf(ParseRaw(encodedHeaders));

    /// <summary>
    /// Adds the events after <paramref name="after"/> that a message of either format carries to <paramref name="into"/>,
    /// at most <paramref name="maxCount"/>, and returns how many it added.
    /// </summary>
    public static int Read(NatsHeaders? headers, ReadOnlyMemory<byte> data, GlobalPosition after, List<RecordedEvent> into, int maxCount = int.MaxValue)
    {
        if (headers is not null && headers.TryGetValue(Format, out var format))
        {
            return format.Count == 1 && format[0] == BatchFormat
                ? EventBatchReader.Read(data, after, into, maxCount)
                : throw new InvalidDataException($"A message on the Tessera stream has format '{format}', which this reader does not know (it reads {BatchFormat} and one event per message): upgrade the reader.");
        }
        if (maxCount < 1 || PositionOf(headers) <= after)
        {
            return 0;
        }
        into.Add(ReadSingle(headers, data));
        return 1;
    }

    /// <summary><see cref="Read"/> for a message as the stream's message-get API returns it.</summary>
    public static int ReadRaw(string? encodedHeaders, ReadOnlyMemory<byte> data, GlobalPosition after, List<RecordedEvent> into, int maxCount) =>
        Read(ParseRaw(encodedHeaders), data, after, into, maxCount);

    /// <summary>Headers from base64 of "NATS/1.0" and "Name: value" lines.</summary>
    private static NatsHeaders ParseRaw(string? encodedHeaders)
    {
        var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encodedHeaders ?? ""));
        var headers = new NatsHeaders();
        foreach (var line in text.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !line.StartsWith("NATS/", StringComparison.Ordinal))
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        return headers;
    }

    /// <summary>An event of the first format: data as the payload, the rest in headers (metadata as base64 of JSON).</summary>
    private static RecordedEvent ReadSingle(NatsHeaders? headers, ReadOnlyMemory<byte> data)
    {
        var metadata = JsonSerializer.Deserialize(Convert.FromBase64String(Single(headers, Metadata)), TesseraJsonContext.Default.EventMetadata)
            ?? throw new InvalidDataException("A Tessera message carries null metadata.");
        return new RecordedEvent(
            Guid.Parse(Single(headers, EventId)),
            new StreamName(Uri.UnescapeDataString(Single(headers, Stream))),
            new StreamVersion(long.Parse(Single(headers, Version), CultureInfo.InvariantCulture)),
            PositionOf(headers),
            Single(headers, Type),
            data.ToArray(),
            metadata);
    }

    private static string Single(NatsHeaders? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) && values.Count == 1
            ? values[0]!
            : throw new InvalidDataException($"A message on the Tessera stream lacks the {name} header; it was not published by the Tessera relay.");
}

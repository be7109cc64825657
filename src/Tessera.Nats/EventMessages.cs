using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>How a recorded event travels as a JetStream message: data as the payload, the rest in headers.</summary>
internal static class EventMessages
{
    public const string Position = "Tessera-Position";
    public const string EventId = "Tessera-Event-Id";
    public const string Stream = "Tessera-Stream";
    public const string Version = "Tessera-Version";
    public const string Type = "Tessera-Type";
    public const string Metadata = "Tessera-Metadata";

    public static NatsHeaders Headers(RecordedEvent e) => new()
    {
        [Position] = e.Position.ToString(),
        [EventId] = e.EventId.ToString("D"),
        [Stream] = Uri.EscapeDataString(e.Stream.Value),
        [Version] = e.Version.ToString(),
        [Type] = e.Type,
        [Metadata] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(e.Metadata, TesseraJsonContext.Default.EventMetadata)),
    };

    public static GlobalPosition PositionOf(NatsHeaders? headers) =>
        new(long.Parse(Single(headers, Position), CultureInfo.InvariantCulture));

    /// <summary>The position in headers as the stream's message-get API returns them: base64 of "NATS/1.0" and header lines.</summary>
    public static GlobalPosition PositionOfRaw(string? encodedHeaders) => PositionOf(ParseRaw(encodedHeaders));

    /// <summary>An event from a message as the stream's message-get API returns it.</summary>
    public static RecordedEvent ReadRaw(string? encodedHeaders, ReadOnlyMemory<byte> data) => Read(ParseRaw(encodedHeaders), data.ToArray());

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

    public static RecordedEvent Read(NatsHeaders? headers, byte[]? data)
    {
        var metadata = JsonSerializer.Deserialize(Convert.FromBase64String(Single(headers, Metadata)), TesseraJsonContext.Default.EventMetadata)
            ?? throw new InvalidDataException("A Tessera message carries null metadata.");
        return new RecordedEvent(
            Guid.Parse(Single(headers, EventId)),
            new StreamName(Uri.UnescapeDataString(Single(headers, Stream))),
            new StreamVersion(long.Parse(Single(headers, Version), CultureInfo.InvariantCulture)),
            PositionOf(headers),
            Single(headers, Type),
            data ?? [],
            metadata);
    }

    private static string Single(NatsHeaders? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) && values.Count == 1
            ? values[0]!
            : throw new InvalidDataException($"A message on the Tessera stream lacks the {name} header; it was not published by the Tessera relay.");
}

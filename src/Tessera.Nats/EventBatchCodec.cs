using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// Format "batch.v1": consecutive events in one message payload, each as position (int64), event id (16 bytes),
/// stream version (int64), then four int32-length-prefixed fields: stream name (UTF-8), type (UTF-8), metadata (UTF-8
/// JSON) and data; integers little-endian. One message per batch spares the broker, the publisher and the consumer
/// their per-message work (an ack, a stored message, a header block) for every event but one.
/// </summary>
internal sealed class EventBatchWriter : IDisposable
{
    private const int FixedSize = 8 + 16 + 8 + (4 * 4);
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _json = new(512);
    private readonly Utf8JsonWriter _jsonWriter;

    /// <summary>Creates a writer whose payloads stay within <paramref name="maxBytes"/> (unless one event alone is larger).</summary>
    public EventBatchWriter(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, FixedSize);
        MaxBytes = maxBytes;
        _jsonWriter = new Utf8JsonWriter(_json);
    }

    public int MaxBytes { get; }

    public int Count { get; private set; }

    public GlobalPosition First { get; private set; }

    public GlobalPosition Last { get; private set; }

    public ReadOnlyMemory<byte> Payload => _payload.WrittenMemory;

    public void Dispose() => _jsonWriter.Dispose();

    public void Clear()
    {
        _payload.ResetWrittenCount();
        Count = 0;
        First = Last = GlobalPosition.Start;
    }

    /// <summary>Adds <paramref name="e"/> unless it would take a non-empty batch over the size limit; an event too large on its own is refused with its position and size.</summary>
    public bool TryAdd(RecordedEvent e)
    {
        if (Count > 0 && e.Position <= Last)
        {
            throw new ArgumentException($"Event {e.Position} does not follow {Last}: a batch holds consecutive events in global order.", nameof(e));
        }
        _json.ResetWrittenCount();
        _jsonWriter.Reset(_json);
        JsonSerializer.Serialize(_jsonWriter, e.Metadata, TesseraJsonContext.Default.EventMetadata);
        var streamBytes = Encoding.UTF8.GetByteCount(e.Stream.Value);
        var typeBytes = Encoding.UTF8.GetByteCount(e.Type);
        var size = (long)FixedSize + streamBytes + typeBytes + _json.WrittenCount + e.Data.Length;
        if (_payload.WrittenCount + size > MaxBytes)
        {
            return Count == 0
                ? throw new InvalidDataException($"Event {e.Position} takes {size} bytes as a NATS message, more than the {MaxBytes} bytes the server accepts (max_payload): it cannot be relayed.")
                : false;
        }
        var span = _payload.GetSpan((int)size);
        BinaryPrimitives.WriteInt64LittleEndian(span, e.Position.Value);
        e.EventId.TryWriteBytes(span[8..24]);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], e.Version.Value);
        var offset = 32;
        offset += WriteField(span[offset..], streamBytes, Encoding.UTF8.GetBytes(e.Stream.Value, span[(offset + 4)..]));
        offset += WriteField(span[offset..], typeBytes, Encoding.UTF8.GetBytes(e.Type, span[(offset + 4)..]));
        _json.WrittenSpan.CopyTo(span[(offset + 4)..]);
        offset += WriteField(span[offset..], _json.WrittenCount, _json.WrittenCount);
        e.Data.Span.CopyTo(span[(offset + 4)..]);
        offset += WriteField(span[offset..], e.Data.Length, e.Data.Length);
        _payload.Advance(offset);
        if (Count == 0)
        {
            First = e.Position;
        }
        Last = e.Position;
        Count++;
        return true;
    }

    private static int WriteField(Span<byte> span, int expected, int written)
    {
        if (written != expected)
        {
            throw new InvalidOperationException($"Encoding wrote {written} bytes where {expected} were counted.");
        }
        BinaryPrimitives.WriteInt32LittleEndian(span, written);
        return 4 + written;
    }
}

/// <summary>Reads the "batch.v1" payload <see cref="EventBatchWriter"/> writes.</summary>
internal static class EventBatchReader
{
    private const int FixedSize = 8 + 16 + 8 + (4 * 4);

    /// <summary>
    /// Adds the events of <paramref name="payload"/> after <paramref name="after"/> to <paramref name="into"/>, at most
    /// <paramref name="maxCount"/>; their data are slices of the payload, not copies. Returns how many it added.
    /// </summary>
    public static int Read(ReadOnlyMemory<byte> payload, GlobalPosition after, List<RecordedEvent> into, int maxCount = int.MaxValue)
    {
        var span = payload.Span;
        var offset = 0;
        var previous = GlobalPosition.Start;
        var added = 0;
        while (offset < span.Length && added < maxCount)
        {
            if (span.Length - offset < FixedSize)
            {
                throw Damaged(offset, "an event header is cut short");
            }
            var position = new GlobalPosition(BinaryPrimitives.ReadInt64LittleEndian(span[offset..]));
            if (position.Value < 1 || position <= previous)
            {
                throw Damaged(offset, $"position {position.Value} does not follow {previous.Value}");
            }
            previous = position;
            var id = new Guid(span.Slice(offset + 8, 16));
            var version = BinaryPrimitives.ReadInt64LittleEndian(span[(offset + 24)..]);
            offset += 32;
            var stream = Field(span, ref offset);
            var type = Field(span, ref offset);
            var metadata = Field(span, ref offset);
            var data = Field(span, ref offset);
            if (position <= after)
            {
                continue;
            }
            into.Add(new RecordedEvent(
                id,
                new StreamName(Encoding.UTF8.GetString(span.Slice(stream.Start, stream.Length))),
                new StreamVersion(version),
                position,
                Encoding.UTF8.GetString(span.Slice(type.Start, type.Length)),
                payload.Slice(data.Start, data.Length),
                Metadata(span.Slice(metadata.Start, metadata.Length), metadata.Start, position)));
            added++;
        }
        return added;
    }

    private static EventMetadata Metadata(ReadOnlySpan<byte> json, int offset, GlobalPosition position)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TesseraJsonContext.Default.EventMetadata)
                ?? throw Damaged(offset, $"event {position.Value} carries null metadata");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"A batch message on the Tessera stream is damaged at byte {offset}: the metadata of event {position.Value} is not valid JSON ({error.Message}).", error);
        }
    }

    private static (int Start, int Length) Field(ReadOnlySpan<byte> span, ref int offset)
    {
        if (span.Length - offset < 4)
        {
            throw Damaged(offset, "a field length is cut short");
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        if (length < 0 || length > span.Length - offset - 4)
        {
            throw Damaged(offset, $"a field claims {length} bytes where {span.Length - offset - 4} remain");
        }
        var start = offset + 4;
        offset = start + length;
        return (start, length);
    }

    private static InvalidDataException Damaged(int offset, string what) =>
        new($"A batch message on the Tessera stream is damaged at byte {offset}: {what}.");
}

using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Tessera.Messages;
using Tessera.Serialization;

namespace Tessera.Storage.Embedded.Segments;

/// <summary>
/// One event's record: length, CRC-32C of everything after the checksum field, global position, stream version, event
/// id, the lengths of the four variable parts, a kind byte, then stream name, type name, metadata (JSON) and data.
/// </summary>
internal static class RecordCodec
{
    public const int HeaderSize = 56;

    /// <summary>The largest record, and the largest append, the store takes.</summary>
    public const int MaxLength = 1 << 30;

    private const int LengthAt = 0;
    private const int ChecksumAt = 4;
    private const int PositionAt = 8;
    private const int VersionAt = 16;
    private const int IdAt = 24;
    private const int StreamLengthAt = 40;
    private const int TypeLengthAt = 42;
    private const int MetadataLengthAt = 44;
    private const int DataLengthAt = 48;
    private const int KindAt = 52;
    private const byte EventKind = 0;

    /// <summary>Encodes the events of one append back to back; the writer fills in positions, versions and checksums.</summary>
    public static byte[] Encode(StreamName stream, IReadOnlyList<EventData> events, out int[] offsets)
    {
        // One allocation for the records (and one for the offsets): names are encoded straight into the records, and
        // metadata is serialized into this thread's scratch buffer and copied from there.
        var scratch = Scratch.ForThisThread(events.Count);
        var streamLength = Encoding.UTF8.GetByteCount(stream.Value);
        long total = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var typeLength = Encoding.UTF8.GetByteCount(e.Type);
            if (typeLength > ushort.MaxValue)
            {
                throw new ArgumentException($"The type name of event {i} is longer than {ushort.MaxValue} bytes.", nameof(events));
            }
            // Events of one command usually share their metadata object: serialize it once.
            if (i == 0 || !ReferenceEquals(e.Metadata, events[i - 1].Metadata))
            {
                scratch.Serialize(e.Metadata);
            }
            scratch.TypeLengths[i] = typeLength;
            scratch.MetadataStarts[i] = scratch.LastStart;
            scratch.MetadataLengths[i] = scratch.LastLength;
            total += HeaderSize + streamLength + typeLength + scratch.LastLength + (long)e.Data.Length;
            if (total > MaxLength)
            {
                throw new ArgumentException($"The append is larger than the embedded store's limit of {MaxLength} bytes.", nameof(events));
            }
        }
        var buffer = new byte[total];
        offsets = new int[events.Count];
        var json = scratch.Json.WrittenSpan;
        var at = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            offsets[i] = at;
            var typeLength = scratch.TypeLengths[i];
            var metadata = json.Slice(scratch.MetadataStarts[i], scratch.MetadataLengths[i]);
            var length = HeaderSize + streamLength + typeLength + metadata.Length + e.Data.Length;
            var record = buffer.AsSpan(at, length);
            BinaryPrimitives.WriteInt32LittleEndian(record[LengthAt..], length);
            e.EventId.TryWriteBytes(record[IdAt..]);
            BinaryPrimitives.WriteUInt16LittleEndian(record[StreamLengthAt..], (ushort)streamLength);
            BinaryPrimitives.WriteUInt16LittleEndian(record[TypeLengthAt..], (ushort)typeLength);
            BinaryPrimitives.WriteInt32LittleEndian(record[MetadataLengthAt..], metadata.Length);
            BinaryPrimitives.WriteInt32LittleEndian(record[DataLengthAt..], e.Data.Length);
            record[KindAt] = EventKind;
            var rest = record[HeaderSize..];
            if (i == 0)
            {
                Encoding.UTF8.GetBytes(stream.Value, rest);
            }
            else
            {
                buffer.AsSpan(HeaderSize, streamLength).CopyTo(rest);
            }
            rest = rest[streamLength..];
            Encoding.UTF8.GetBytes(e.Type, rest);
            rest = rest[typeLength..];
            metadata.CopyTo(rest);
            rest = rest[metadata.Length..];
            e.Data.Span.CopyTo(rest);
            at += length;
        }
        scratch.Release();
        return buffer;
    }

    /// <summary>Fills in the record's position and version, then its checksum.</summary>
    public static void Seal(Span<byte> record, long position, long version)
    {
        BinaryPrimitives.WriteInt64LittleEndian(record[PositionAt..], position);
        BinaryPrimitives.WriteInt64LittleEndian(record[VersionAt..], version);
        var length = BinaryPrimitives.ReadInt32LittleEndian(record);
        BinaryPrimitives.WriteUInt32LittleEndian(record[ChecksumAt..], Crc32C.Compute(record[PositionAt..length]));
    }

    /// <summary>The length the record at the start of <paramref name="source"/> claims, or 0 if there is no whole header.</summary>
    public static int ClaimedLength(ReadOnlySpan<byte> source) =>
        source.Length < HeaderSize ? 0 : BinaryPrimitives.ReadInt32LittleEndian(source);

    /// <summary>Checks the record at the start of <paramref name="source"/>: framing, lengths and checksum.</summary>
    public static bool IsValid(ReadOnlySpan<byte> source, out int length)
    {
        length = ClaimedLength(source);
        if (length < HeaderSize || length > source.Length)
        {
            return false;
        }
        var parts = (long)BinaryPrimitives.ReadUInt16LittleEndian(source[StreamLengthAt..])
            + BinaryPrimitives.ReadUInt16LittleEndian(source[TypeLengthAt..])
            + (uint)BinaryPrimitives.ReadInt32LittleEndian(source[MetadataLengthAt..])
            + (uint)BinaryPrimitives.ReadInt32LittleEndian(source[DataLengthAt..]);
        return HeaderSize + parts == length
            && source[KindAt] == EventKind
            && BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumAt..]) == Crc32C.Compute(source[PositionAt..length]);
    }

    public static long Position(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[PositionAt..]);

    public static long Version(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[VersionAt..]);

    public static Guid EventId(ReadOnlySpan<byte> record) => new(record.Slice(IdAt, 16));

    public static ReadOnlySpan<byte> Stream(ReadOnlySpan<byte> record) =>
        record.Slice(HeaderSize, BinaryPrimitives.ReadUInt16LittleEndian(record[StreamLengthAt..]));

    /// <summary>Turns a checked record into the event readers get; <paramref name="stream"/> saves decoding a name the caller knows.</summary>
    public static RecordedEvent Decode(ReadOnlySpan<byte> record, StreamName? stream)
    {
        var streamLength = BinaryPrimitives.ReadUInt16LittleEndian(record[StreamLengthAt..]);
        var typeLength = BinaryPrimitives.ReadUInt16LittleEndian(record[TypeLengthAt..]);
        var metadataLength = BinaryPrimitives.ReadInt32LittleEndian(record[MetadataLengthAt..]);
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(record[DataLengthAt..]);
        var rest = record[HeaderSize..];
        var name = stream ?? new StreamName(Encoding.UTF8.GetString(rest[..streamLength]));
        rest = rest[streamLength..];
        var type = Encoding.UTF8.GetString(rest[..typeLength]);
        rest = rest[typeLength..];
        var metadata = JsonSerializer.Deserialize(rest[..metadataLength], TesseraJsonContext.Default.EventMetadata)
            ?? throw new InvalidDataException("A stored event has null metadata.");
        var data = rest.Slice(metadataLength, dataLength).ToArray();
        return new RecordedEvent(EventId(record), name, new StreamVersion(Version(record)), new GlobalPosition(Position(record)), type, data, metadata);
    }

    /// <summary>Per-thread buffers for encoding, so an append allocates only what it keeps.</summary>
    private sealed class Scratch
    {
        private const int KeepBytes = 64 * 1024;

        [ThreadStatic]
        private static Scratch? t_current;

        private Scratch()
        {
            var options = TesseraJsonContext.Default.Options;
            Writer = new Utf8JsonWriter(Json, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented, MaxDepth = options.MaxDepth });
        }

        public ArrayBufferWriter<byte> Json { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        public int[] TypeLengths { get; private set; } = new int[16];

        public int[] MetadataStarts { get; private set; } = new int[16];

        public int[] MetadataLengths { get; private set; } = new int[16];

        public int LastStart { get; private set; }

        public int LastLength { get; private set; }

        public static Scratch ForThisThread(int events)
        {
            var scratch = t_current ??= new Scratch();
            if (scratch.TypeLengths.Length < events)
            {
                var size = (int)Math.Min(int.MaxValue, BitOperations.RoundUpToPowerOf2((uint)events));
                scratch.TypeLengths = new int[size];
                scratch.MetadataStarts = new int[size];
                scratch.MetadataLengths = new int[size];
            }
            scratch.Json.ResetWrittenCount();
            return scratch;
        }

        public void Serialize(EventMetadata metadata)
        {
            LastStart = Json.WrittenCount;
            Writer.Reset(Json);
            JsonSerializer.Serialize(Writer, metadata, TesseraJsonContext.Default.EventMetadata);
            Writer.Flush();
            LastLength = Json.WrittenCount - LastStart;
        }

        /// <summary>Drops buffers that one huge append grew, so a thread does not keep them for good.</summary>
        public void Release()
        {
            if (Json.Capacity > KeepBytes || TypeLengths.Length > KeepBytes)
            {
                t_current = null;
            }
        }
    }
}

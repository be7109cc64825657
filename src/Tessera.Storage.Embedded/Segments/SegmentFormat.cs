using System.Buffers.Binary;
using System.Globalization;

namespace Tessera.Storage.Embedded.Segments;

/// <summary>
/// The layout of segment files. A segment is a 64-byte header and then chunks; a chunk is what one group commit wrote
/// with one write and one flush: a 32-byte header (first position, record count, body length) and its records, padded
/// to 8 bytes. Space after the last chunk is zeros, because segments are zero-filled when made.
/// </summary>
internal static class SegmentFormat
{
    public const int HeaderSize = 64;
    public const int ChunkHeaderSize = 32;
    public const int FormatVersion = 1;
    public const uint ChunkMagic = 0x4B484354; // "TCHK"
    public const string SegmentExtension = ".seg";
    public const string IndexExtension = ".idx";
    public const string TemporaryExtension = ".tmp";
    public const long MaxSegmentSize = 1L << 40;
    private const int OffsetBits = 40;

    public static ReadOnlySpan<byte> SegmentMagic => "TSRSEG01"u8;

    public static string SegmentFileName(int number) => number.ToString("D10", CultureInfo.InvariantCulture) + SegmentExtension;

    public static string IndexFileName(int number) => number.ToString("D10", CultureInfo.InvariantCulture) + IndexExtension;

    public static bool TryParseNumber(string fileName, string extension, out int number)
    {
        number = 0;
        return fileName.EndsWith(extension, StringComparison.Ordinal)
            && fileName.Length == 10 + extension.Length
            && int.TryParse(fileName.AsSpan(0, 10), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number > 0;
    }

    public static long Align(long length) => (length + 7) & ~7L;

    /// <summary>Where a record lives: its segment number in the high bits, its offset in the segment in the low 40.</summary>
    public static long Address(int segment, long offset) => ((long)segment << OffsetBits) | offset;

    public static int SegmentOf(long address) => (int)(address >>> OffsetBits);

    public static long OffsetOf(long address) => address & ((1L << OffsetBits) - 1);
}

/// <summary>The first 64 bytes of a segment: magic, format version, segment number and the id of the store it belongs to.</summary>
internal readonly record struct SegmentHeader(int Number, ulong StoreId)
{
    public void Write(Span<byte> destination)
    {
        destination[..SegmentFormat.HeaderSize].Clear();
        SegmentFormat.SegmentMagic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], SegmentFormat.FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], SegmentFormat.HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Number);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], StoreId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[60..], Crc32C.Compute(destination[..60]));
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out SegmentHeader header)
    {
        header = default;
        if (source.Length < SegmentFormat.HeaderSize
            || !source[..8].SequenceEqual(SegmentFormat.SegmentMagic)
            || BinaryPrimitives.ReadUInt32LittleEndian(source[60..]) != Crc32C.Compute(source[..60])
            || BinaryPrimitives.ReadInt32LittleEndian(source[8..]) != SegmentFormat.FormatVersion)
        {
            return false;
        }
        var number = BinaryPrimitives.ReadInt64LittleEndian(source[16..]);
        if (number is <= 0 or > int.MaxValue)
        {
            return false;
        }
        header = new SegmentHeader((int)number, BinaryPrimitives.ReadUInt64LittleEndian(source[24..]));
        return true;
    }
}

/// <summary>
/// The header of one group commit's chunk. Its checksum is seeded with the store's id, so a chunk header can be told
/// from stray bytes (an event's data that happens to look like one, or a file of another store).
/// </summary>
internal readonly record struct ChunkHeader(long FirstPosition, int Count, int BodyLength)
{
    public long End(long offset) => offset + SegmentFormat.ChunkHeaderSize + BodyLength;

    public void Write(Span<byte> destination, ulong storeId)
    {
        destination[..SegmentFormat.ChunkHeaderSize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, SegmentFormat.ChunkMagic);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], FirstPosition);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], BodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], Checksum(destination, storeId));
    }

    public static bool TryRead(ReadOnlySpan<byte> source, ulong storeId, out ChunkHeader header)
    {
        header = default;
        if (source.Length < SegmentFormat.ChunkHeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(source) != SegmentFormat.ChunkMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(source[28..]) != Checksum(source, storeId))
        {
            return false;
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        var first = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        var body = BinaryPrimitives.ReadInt32LittleEndian(source[16..]);
        if (count <= 0 || first <= 0 || body <= 0 || body % 8 != 0)
        {
            return false;
        }
        header = new ChunkHeader(first, count, body);
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> header, ulong storeId) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Seed, storeId), header[..28]));
}

using System.Buffers.Binary;
using System.Text;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Index;

/// <summary>One event of a segment as the index needs it: no type, metadata or data.</summary>
internal readonly record struct SegmentEntry(long Offset, string Stream, long Version, Guid EventId);

/// <summary>What a sealed segment holds, so that opening the store reads this instead of every payload.</summary>
internal sealed record SegmentContents(long FirstPosition, long DataEnd, IReadOnlyList<SegmentEntry> Entries);

/// <summary>
/// The index checkpoint of a sealed segment, "0000000001.idx" beside "0000000001.seg": its events' offsets, streams,
/// versions and ids, under one checksum. It is derived data: a missing or damaged one is rebuilt from the segment.
/// </summary>
internal static class SegmentIndexFile
{
    private const int HeaderSize = 48;
    private const int EntrySize = 32;

    private static ReadOnlySpan<byte> Magic => "TSRIDX01"u8;

    /// <summary>Writes the checkpoint next to its segment, atomically: a temporary file, flushed, then renamed.</summary>
    public static void Write(IStorageFolder folder, int segment, ulong storeId, SegmentContents contents, bool flush)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<byte[]>();
        foreach (var entry in contents.Entries)
        {
            if (!ordinals.ContainsKey(entry.Stream))
            {
                ordinals.Add(entry.Stream, names.Count);
                names.Add(Encoding.UTF8.GetBytes(entry.Stream));
            }
        }
        var length = HeaderSize + names.Sum(n => 2L + n.Length) + (long)contents.Entries.Count * EntrySize + 4;
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], segment);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], storeId);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], contents.FirstPosition);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], contents.Entries.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[36..], names.Count);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], contents.DataEnd);
        var at = HeaderSize;
        foreach (var name in names)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)name.Length);
            name.CopyTo(span[(at + 2)..]);
            at += 2 + name.Length;
        }
        foreach (var entry in contents.Entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], ordinals[entry.Stream]);
            entry.EventId.TryWriteBytes(span[(at + 12)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 28)..], checked((int)entry.Version));
            at += EntrySize;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(span[..at]));

        var final = SegmentFormat.IndexFileName(segment);
        var temporary = final + SegmentFormat.TemporaryExtension;
        using (var file = folder.Open(temporary))
        {
            file.Truncate(0);
            file.Write(0, buffer);
            if (flush)
            {
                file.Flush();
            }
        }
        folder.Move(temporary, final);
        if (flush)
        {
            folder.Flush();
        }
    }

    /// <summary>Reads a segment's checkpoint, or returns null if it is missing, damaged or not this segment's.</summary>
    public static SegmentContents? TryRead(IStorageFolder folder, int segment, ulong storeId, long firstPosition)
    {
        byte[] buffer;
        using (var file = folder.Open(SegmentFormat.IndexFileName(segment)))
        {
            var length = file.Length;
            if (length < HeaderSize + 4 || length > int.MaxValue)
            {
                return null;
            }
            buffer = new byte[length];
            if (file.Read(0, buffer) != length)
            {
                return null;
            }
        }
        var span = buffer.AsSpan();
        if (!span[..8].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != Crc32C.Compute(span[..^4])
            || BinaryPrimitives.ReadInt64LittleEndian(span[8..]) != segment
            || BinaryPrimitives.ReadUInt64LittleEndian(span[16..]) != storeId
            || BinaryPrimitives.ReadInt64LittleEndian(span[24..]) != firstPosition)
        {
            return null;
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[32..]);
        var streamCount = BinaryPrimitives.ReadInt32LittleEndian(span[36..]);
        var dataEnd = BinaryPrimitives.ReadInt64LittleEndian(span[40..]);
        var names = new string[streamCount];
        var at = HeaderSize;
        for (var i = 0; i < streamCount; i++)
        {
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
            names[i] = Encoding.UTF8.GetString(span.Slice(at + 2, nameLength));
            at += 2 + nameLength;
        }
        if (at + ((long)count * EntrySize) + 4 != buffer.Length)
        {
            return null;
        }
        var entries = new SegmentEntry[count];
        for (var i = 0; i < count; i++)
        {
            var ordinal = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 8)..]);
            if ((uint)ordinal >= (uint)names.Length)
            {
                return null;
            }
            entries[i] = new SegmentEntry(
                BinaryPrimitives.ReadInt64LittleEndian(span[at..]),
                names[ordinal],
                BinaryPrimitives.ReadInt32LittleEndian(span[(at + 28)..]),
                new Guid(span.Slice(at + 12, 16)));
            at += EntrySize;
        }
        return new SegmentContents(firstPosition, dataEnd, entries);
    }
}

using System.Buffers.Binary;

namespace Tessera.Storage.Embedded.Segments;

/// <summary>The durable head as the writer published it: the last durable event's position and the address just past it.</summary>
internal readonly record struct PublishedHead(ulong StoreId, long Position, long End);

/// <summary>
/// "HEAD": 32 bytes the writer rewrites after each group commit's flush (magic, checksum, position, end address, store id),
/// so read-only followers in other processes never read past what is durable. It is a hint for followers, not part of
/// recovery: the writer rewrites it when it opens the store, and a torn one fails its checksum and is read again later.
/// </summary>
internal static class HeadFile
{
    public const string FileName = "HEAD";
    private const int Size = 32;
    private const uint Magic = 0x44454854; // "THED"

    public static void Write(IStorageFile file, PublishedHead head)
    {
        Span<byte> bytes = stackalloc byte[Size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], head.Position);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[16..], head.End);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], head.StoreId);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], Crc32C.Compute(bytes[8..]));
        file.Write(0, bytes);
    }

    /// <summary>The head in the file, or null while there is none or it is being rewritten.</summary>
    public static PublishedHead? TryRead(IStorageFile file)
    {
        Span<byte> bytes = stackalloc byte[Size];
        if (file.Read(0, bytes) != Size
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]) != Crc32C.Compute(bytes[8..]))
        {
            return null;
        }
        return new PublishedHead(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]));
    }
}

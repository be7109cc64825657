using System.Buffers.Binary;

namespace Tessera.Commands;

/// <summary>
/// New command ids: RFC 9562 version 7 (a millisecond timestamp, then 74 random bits). The random bits come from
/// <see cref="Random.Shared"/> rather than the OS generator that Guid.CreateVersion7 asks for every id (about 0.4 us
/// here): a command id must be unique, not secret.
/// </summary>
internal static class CommandIds
{
    public static Guid New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var millis = now.ToUnixTimeMilliseconds();
        // Big-endian layout as RFC 9562 writes it: 48-bit timestamp, version, random, variant, random.
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(millis >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)millis);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

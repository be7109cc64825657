using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Tessera.Storage;

namespace Tessera.Aggregates;

/// <summary>
/// Event ids derived from the command id, the stream and the event's index: a command run twice (a client retry, a
/// restart) produces the same ids, so the store keeps one copy and the idempotency step can find the first run.
/// XxHash128 is not a cryptographic hash; it need not be: a forged collision is caught because a found event must
/// also carry the command id as its causation, and it can only make the forger's own command fail.
/// </summary>
internal static class EventIds
{
    public static Guid Derive(Guid commandId, ReadOnlySpan<char> stream, int index)
    {
        Span<byte> input = stackalloc byte[16 + 4 + (StreamName.MaxLength * 3)];
        commandId.TryWriteBytes(input);
        BinaryPrimitives.WriteInt32LittleEndian(input[16..], index);
        var length = 20 + Encoding.UTF8.GetBytes(stream, input[20..]);
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(input[..length], hash);
        // RFC 9562 version 8 (custom) with the RFC variant bits.
        hash[7] = (byte)((hash[7] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash);
    }

    public static Guid Derive(Guid commandId, StreamName stream, int index) => Derive(commandId, stream.Value.AsSpan(), index);
}

using System.Buffers.Binary;
using System.Numerics;

namespace Tessera.Storage.Embedded.Segments;

/// <summary>CRC-32C (Castagnoli), on the CPU's crc32 instruction where it has one.</summary>
internal static class Crc32C
{
    public const uint Seed = uint.MaxValue;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Seed, data));

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return crc;
    }

    public static uint Append(uint crc, ulong value) => BitOperations.Crc32C(crc, value);

    public static uint Finish(uint crc) => ~crc;
}

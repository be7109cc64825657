using System.Security.Cryptography;
using Tessera.Messages;
using Tessera.Storage;

namespace Tessera.Storage.Embedded.CrashChild;

/// <summary>Events whose type, data and metadata follow from their id, so the parent can check stored bytes exactly.</summary>
public static class CrashEvents
{
    public const string Type = "crash.appended.v1";

    public static EventData Create(Guid id)
    {
        var seed = SHA256.HashData(id.ToByteArray());
        var data = new byte[16 + (seed[0] * 8)];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(seed[i % seed.Length] ^ i);
        }
        var metadata = new EventMetadata
        {
            CorrelationId = id,
            CausationId = new Guid(seed.AsSpan(0, 16)),
            User = "crash-" + seed[1].ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
            Time = DateTimeOffset.UnixEpoch.AddTicks(BitConverter.ToInt64(seed, 8) & 0x0FFF_FFFF_FFFF_FFFF),
        };
        return new EventData(id, Type, data, metadata);
    }
}

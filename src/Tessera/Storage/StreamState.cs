using System.Text.Json;

namespace Tessera.Storage;

/// <summary>The lifecycle operations of <see cref="IStreamLifecycle"/>.</summary>
internal enum StreamOperation
{
    Delete,
    Tombstone,
    SetMetadata,
}

/// <summary>
/// What the stores keep about a stream's lifecycle: deleted below a version, tombstoned, limited by count or age.
/// Stores write it as an event of type "$metadata" in the stream "$$" + name, each event holding the whole state, so
/// it is as durable as any event and the latest one wins.
/// </summary>
internal sealed record StreamState(long TruncateBefore, bool Tombstoned, int? MaxCount, TimeSpan? MaxAge)
{
    public const string MetadataPrefix = "$$";
    public const string EventType = "$metadata";

    public static StreamState Default { get; } = new(0, false, null, null);

    public StreamMetadata Metadata => new(MaxCount, MaxAge);

    public static bool IsSystem(StreamName stream) => stream.Value.StartsWith('$');

    public static bool IsMetadataStream(string stream) => stream.StartsWith(MetadataPrefix, StringComparison.Ordinal);

    public static StreamName MetadataStreamOf(StreamName stream) => new(MetadataPrefix + stream.Value);

    public static StreamName TargetOf(string metadataStream) => new(metadataStream[MetadataPrefix.Length..]);

    /// <summary>The version expected-version checks see: none while the stream is deleted and not yet recreated.</summary>
    public long EffectiveVersion(long last) => last < TruncateBefore ? -1 : last;

    /// <summary>The lowest version reads return, for a stream of <paramref name="count"/> events.</summary>
    public long FirstVisible(long count) => Math.Max(TruncateBefore, MaxCount is { } max ? count - max : 0);

    /// <summary>Whether reads find the stream at all.</summary>
    public bool Hides(long count) => Tombstoned || TruncateBefore >= count;

    public bool IsTooOld(RecordedEvent e, DateTimeOffset now) => MaxAge is { } age && e.Metadata.Time < now - age;

    /// <summary>The state after <paramref name="operation"/> on a stream whose last version is <paramref name="last"/>.</summary>
    public StreamState After(StreamOperation operation, long last, StreamMetadata? metadata) => operation switch
    {
        StreamOperation.Delete => this with { TruncateBefore = last + 1 },
        StreamOperation.Tombstone => this with { Tombstoned = true, TruncateBefore = last + 1 },
        _ => this with { MaxCount = metadata!.MaxCount, MaxAge = metadata.MaxAge },
    };

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("truncateBefore", TruncateBefore);
            writer.WriteBoolean("tombstoned", Tombstoned);
            if (MaxCount is { } count)
            {
                writer.WriteNumber("maxCount", count);
            }
            if (MaxAge is { } age)
            {
                writer.WriteNumber("maxAgeTicks", age.Ticks);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static StreamState Decode(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        return new StreamState(
            root.GetProperty("truncateBefore").GetInt64(),
            root.GetProperty("tombstoned").GetBoolean(),
            root.TryGetProperty("maxCount", out var count) ? count.GetInt32() : null,
            root.TryGetProperty("maxAgeTicks", out var age) ? TimeSpan.FromTicks(age.GetInt64()) : null);
    }
}

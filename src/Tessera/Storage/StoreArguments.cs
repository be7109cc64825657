namespace Tessera.Storage;

/// <summary>The argument checks every store makes, so all stores reject bad input with the same errors.</summary>
internal static class StoreArguments
{
    public const int MaxPageSize = 100_000;

    private const int SmallAppend = 16;

    public static void CheckAppend(StreamName stream, IReadOnlyList<EventData> events)
    {
        CheckStream(stream);
        if (StreamState.IsMetadataStream(stream.Value))
        {
            throw new ArgumentException(
                $"Stream '{stream}' is reserved: names starting with '{StreamState.MetadataPrefix}' hold stream metadata, which changes only through IStreamLifecycle.",
                nameof(stream));
        }
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }
        // Pairwise for small appends (no allocation); a set above that, so a large append is not checked in quadratic time.
        HashSet<Guid>? seen = events.Count > SmallAppend ? new(events.Count) : null;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is null)
            {
                throw new ArgumentException($"Event {i} of the append is null.", nameof(events));
            }
            if (seen is null ? AppearsBefore(events, i) : !seen.Add(events[i].EventId))
            {
                throw new ArgumentException($"Event id {events[i].EventId} appears twice in one append.", nameof(events));
            }
        }
    }

    private static bool AppearsBefore(IReadOnlyList<EventData> events, int i)
    {
        for (var j = 0; j < i; j++)
        {
            if (events[j].EventId == events[i].EventId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Checks a delete, tombstone or metadata change: system streams ('$' first) can never be deleted or truncated.</summary>
    public static void CheckLifecycle(StreamName stream, StreamMetadata? metadata)
    {
        CheckStream(stream);
        if (StreamState.IsSystem(stream))
        {
            throw new ArgumentException(
                $"Stream '{stream}' is a system stream ('$' first, such as the '$signatures' audit trail): it can never be deleted, tombstoned or truncated.",
                nameof(stream));
        }
        if (metadata is null)
        {
            return;
        }
        if (metadata.MaxCount is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(metadata), metadata.MaxCount, "A stream's MaxCount must be at least 1 (or null for no limit).");
        }
        if (metadata.MaxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(metadata), age, "A stream's MaxAge must be positive (or null for no limit).");
        }
    }

    public static void CheckStream(StreamName stream)
    {
        if (stream.Value is null)
        {
            throw new ArgumentException("The stream name is missing (a default StreamName).", nameof(stream));
        }
    }

    public static void CheckRead(StreamName stream, StreamVersion from, int maxCount)
    {
        CheckStream(stream);
        if (from.Value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from.Value, "A stream version to read from cannot be negative.");
        }
        CheckCount(maxCount);
    }

    public static void CheckReadAll(GlobalPosition after, int maxCount)
    {
        if (after.Value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(after), after.Value, "A global position cannot be negative.");
        }
        CheckCount(maxCount);
    }

    public static void CheckCount(int maxCount)
    {
        if (maxCount is <= 0 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A page holds 1 to {MaxPageSize} events.");
        }
    }
}

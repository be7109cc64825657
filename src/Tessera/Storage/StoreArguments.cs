namespace Tessera.Storage;

/// <summary>The argument checks every store makes, so all stores reject bad input with the same errors.</summary>
internal static class StoreArguments
{
    public const int MaxPageSize = 100_000;

    public static void CheckAppend(StreamName stream, IReadOnlyList<EventData> events)
    {
        CheckStream(stream);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is null)
            {
                throw new ArgumentException($"Event {i} of the append is null.", nameof(events));
            }
            for (var j = 0; j < i; j++)
            {
                if (events[j].EventId == events[i].EventId)
                {
                    throw new ArgumentException($"Event id {events[i].EventId} appears twice in one append.", nameof(events));
                }
            }
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

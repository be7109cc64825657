namespace Tessera.Storage;

/// <summary>Which versions of a stream one read returns, once deletion and limits are applied; shared by every store.</summary>
/// <param name="Start">The index of the first version to return, in the direction read.</param>
/// <param name="Count">How many versions to return.</param>
/// <param name="IsEnd">True when no more visible events lie in the direction read.</param>
/// <param name="Found">False when the stream reads as not found (no events, deleted or tombstoned).</param>
internal readonly record struct StreamWindow(long Start, int Count, bool IsEnd, bool Found)
{
    private static readonly StreamWindow NotFound = new(0, 0, true, false);

    /// <summary>The window of a stream holding <paramref name="count"/> events (versions 0 to count - 1).</summary>
    public static StreamWindow Of(long count, StreamState state, StreamVersion from, ReadDirection direction, int maxCount)
    {
        if (count == 0 || state.Hides(count))
        {
            return NotFound;
        }
        var first = state.FirstVisible(count);
        if (direction == ReadDirection.Forwards)
        {
            var start = Math.Min(Math.Max(from.Value, first), count);
            var taken = (int)Math.Min(maxCount, count - start);
            return new StreamWindow(start, taken, start + taken >= count, true);
        }
        var last = Math.Min(from.Value, count - 1);
        if (last < first)
        {
            return new StreamWindow(first, 0, true, true);
        }
        var backwards = (int)Math.Min(maxCount, last - first + 1);
        return new StreamWindow(last - backwards + 1, backwards, last - backwards < first, true);
    }

    /// <summary>Drops events older than the stream's max age from a page that was read.</summary>
    public static IReadOnlyList<RecordedEvent> WithoutTooOld(RecordedEvent[] events, StreamState state)
    {
        if (state.MaxAge is null)
        {
            return events;
        }
        var now = DateTimeOffset.UtcNow;
        return Array.FindAll(events, e => !state.IsTooOld(e, now));
    }
}

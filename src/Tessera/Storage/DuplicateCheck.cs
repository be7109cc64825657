namespace Tessera.Storage;

/// <summary>Decides what an append whose event ids may already be stored means; shared by every store so all agree.</summary>
internal static class DuplicateCheck
{
    /// <summary>
    /// Returns <see cref="AppendResult.AlreadyStored"/> when every event of the batch is stored, in this stream, in this
    /// order, with the same type and data; null when none of the ids is stored; throws when only some are, or differ.
    /// </summary>
    public static AppendResult? Check(StreamName stream, IReadOnlyList<EventData> events, Func<Guid, RecordedEvent?> find)
    {
        var first = find(events[0].EventId);
        if (first is null)
        {
            for (var i = 1; i < events.Count; i++)
            {
                if (find(events[i].EventId) is not null)
                {
                    throw new DuplicateEventException(events[i].EventId, "it is stored, but the events before it in this append are not");
                }
            }
            return null;
        }
        RecordedEvent last = first;
        for (var i = 0; i < events.Count; i++)
        {
            var stored = i == 0 ? first : find(events[i].EventId);
            if (stored is null)
            {
                throw new DuplicateEventException(events[0].EventId, "it is stored, but other events of this append are not");
            }
            if (stored.Stream != stream)
            {
                throw new DuplicateEventException(stored.EventId, $"it is stored in stream '{stored.Stream}', not '{stream}'");
            }
            if (stored.Version.Value != first.Version.Value + i)
            {
                throw new DuplicateEventException(stored.EventId, "it is stored in a different order");
            }
            if (!string.Equals(stored.Type, events[i].Type, StringComparison.Ordinal) || !stored.Data.Span.SequenceEqual(events[i].Data.Span))
            {
                throw new DuplicateEventException(stored.EventId, "it is stored with a different type or data");
            }
            last = stored;
        }
        return AppendResult.AlreadyStored(last.Position, last.Version);
    }
}

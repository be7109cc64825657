namespace Tessera.Storage;

/// <summary>Reads events: one stream, the whole log, one event by id, or a catch-up-then-live subscription.</summary>
public interface IEventReader
{
    /// <summary>Reads up to <paramref name="maxCount"/> events of a stream starting at <paramref name="from"/> (inclusive).</summary>
    ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="maxCount"/> events of the whole log whose position is after <paramref name="after"/>.</summary>
    ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Finds one stored event by its id, or null.</summary>
    ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>The position of the last durable event, <see cref="GlobalPosition.Start"/> when the log is empty.</summary>
    ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Yields batches of events after <paramref name="after"/>: first what is stored, then each new durable append, with no gap and no duplicate.</summary>
    IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default);
}

/// <summary>Appends events to a stream.</summary>
public interface IEventWriter
{
    /// <summary>
    /// Appends events to a stream if it meets <paramref name="expected"/>, and returns once they are durable.
    /// Appending events whose ids are already stored, with the same stream, order, type and data, changes nothing and
    /// reports <see cref="AppendStatus.AlreadyStored"/>; an id stored with other content throws <see cref="DuplicateEventException"/>.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);
}

/// <summary>An event store: the write side's source of truth.</summary>
public interface IEventStore : IEventReader, IEventWriter;

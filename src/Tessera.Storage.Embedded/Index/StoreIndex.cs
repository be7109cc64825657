using System.Collections.Concurrent;

namespace Tessera.Storage.Embedded.Index;

/// <summary>
/// Everything the store knows without reading payloads: where each event is, each stream's events, each event id's
/// position, and the durable head. Changed only by the writer, after a flush; read by anyone without a lock.
/// </summary>
internal sealed class StoreIndex
{
    private Head _head = new(0, 0);

    public AddressTable Addresses { get; } = new();

    public ConcurrentDictionary<string, StreamIndex> Streams { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<Guid, long> EventIds { get; } = new();

    /// <summary>Deletion and limits of the streams that have any (from their "$$" metadata streams).</summary>
    public ConcurrentDictionary<string, StreamState> States { get; } = new(StringComparer.Ordinal);

    public StreamState StateOf(string stream) => States.TryGetValue(stream, out var state) ? state : StreamState.Default;

    /// <summary>The last durable event and where the log ends after it; readers never look past it.</summary>
    public Head Head => Volatile.Read(ref _head);

    public void Publish(Head head) => Volatile.Write(ref _head, head);

    /// <summary>Adds one event, as the writer or the loader met it; the caller publishes the head afterwards.</summary>
    public StreamIndex Add(long position, long address, string stream, long version, Guid eventId)
    {
        var streamIndex = StreamFor(stream);
        Add(position, address, streamIndex, version, eventId);
        return streamIndex;
    }

    /// <summary>The index of <paramref name="stream"/>, made empty if the stream has no events yet.</summary>
    public StreamIndex StreamFor(string stream) => Streams.GetOrAdd(stream, static name => new StreamIndex(new StreamName(name)));

    /// <summary>Adds one event of a stream whose index the caller looked up once for all of its events.</summary>
    public void Add(long position, long address, StreamIndex streamIndex, long version, Guid eventId)
    {
        if (position != Addresses.Count + 1)
        {
            throw new InvalidDataException($"expected the event at position {Addresses.Count + 1}, found position {position}");
        }
        if (version != streamIndex.Count)
        {
            throw new InvalidDataException($"expected version {streamIndex.Count} of stream '{streamIndex.Name}', found version {version}");
        }
        if (!EventIds.TryAdd(eventId, position))
        {
            throw new InvalidDataException($"event id {eventId} is stored twice");
        }
        Addresses.Add(address);
        streamIndex.Append(position);
    }
}

/// <summary>The durable head: the last event's position and the address just past the last chunk.</summary>
internal sealed record Head(long Position, long End);

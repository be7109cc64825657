namespace Tessera.Storage.Embedded.Index;

/// <summary>
/// The global positions of one stream's events, by stream version. Only the writer appends; a reader takes
/// <see cref="Snapshot"/> and sees every version below the count it got, without a lock.
/// </summary>
internal sealed class StreamIndex(StreamName name)
{
    private long[] _positions = new long[1];
    private int _count;

    public StreamName Name { get; } = name;

    /// <summary>The number of published events; the stream's last version is one less.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The published count and an array holding at least that many positions.</summary>
    public int Snapshot(out long[] positions)
    {
        // The count first: any array read after it was copied after those entries were written.
        var count = Volatile.Read(ref _count);
        positions = Volatile.Read(ref _positions);
        return count;
    }

    public void Append(long position)
    {
        var count = _count;
        if (count == int.MaxValue)
        {
            throw new InvalidOperationException($"Stream '{Name}' has reached the embedded store's limit of {int.MaxValue} events.");
        }
        var positions = _positions;
        if (count == positions.Length)
        {
            var grown = new long[Math.Min((long)count * 2, int.MaxValue)];
            positions.CopyTo(grown, 0);
            grown[count] = position;
            Volatile.Write(ref _positions, grown);
        }
        else
        {
            positions[count] = position;
        }
        Volatile.Write(ref _count, count + 1);
    }
}

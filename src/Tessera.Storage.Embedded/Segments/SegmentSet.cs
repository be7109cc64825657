namespace Tessera.Storage.Embedded.Segments;

/// <summary>The store's segments by number, readable without a lock while the writer adds new ones.</summary>
internal sealed class SegmentSet : IDisposable
{
    private Segment?[] _segments = new Segment?[8];

    public Segment this[int number] =>
        Volatile.Read(ref _segments)[number - 1] ?? throw new InvalidOperationException($"Segment {number} is not open.");

    public void Add(Segment segment)
    {
        var segments = _segments;
        if (segment.Number > segments.Length)
        {
            var grown = new Segment?[Math.Max(segments.Length * 2, segment.Number)];
            segments.CopyTo(grown, 0);
            grown[segment.Number - 1] = segment;
            Volatile.Write(ref _segments, grown);
            return;
        }
        Volatile.Write(ref segments[segment.Number - 1], segment);
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            segment?.Dispose();
        }
    }
}

using System.Buffers;
using Tessera.Storage.Embedded.Index;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Reading;

/// <summary>
/// Reads events by global position from the segments, verifying each record's checksum. Records that lie close
/// together are fetched with one read, so a page of the log or of a stream costs a few system calls, not one per event.
/// </summary>
internal sealed class LogReader(StoreIndex index, SegmentSet segments, string folder)
{
    private const int WindowSize = 256 * 1024;
    private const int GapLimit = 16 * 1024;

    /// <summary>Reads the events at <paramref name="positions"/>, ascending and all at or before <paramref name="head"/>.</summary>
    public RecordedEvent[] Read(Positions positions, StreamName? stream, Head head)
    {
        var events = new RecordedEvent[positions.Count];
        var buffer = ArrayPool<byte>.Shared.Rent(WindowSize);
        try
        {
            var windowSegment = -1;
            long windowStart = 0;
            var windowLength = 0;
            for (var i = 0; i < positions.Count; i++)
            {
                var position = positions[i];
                var address = index.Addresses.AddressOf(position);
                var segment = SegmentFormat.SegmentOf(address);
                var offset = SegmentFormat.OffsetOf(address);
                var end = ExtentEnd(position, segment, head);
                if (segment != windowSegment || offset < windowStart || end > windowStart + windowLength)
                {
                    var stop = end;
                    for (var j = i + 1; j < positions.Count; j++)
                    {
                        var next = index.Addresses.AddressOf(positions[j]);
                        if (SegmentFormat.SegmentOf(next) != segment || SegmentFormat.OffsetOf(next) - stop > GapLimit)
                        {
                            break;
                        }
                        var nextEnd = ExtentEnd(positions[j], segment, head);
                        if (nextEnd - offset > WindowSize)
                        {
                            break;
                        }
                        stop = Math.Max(stop, nextEnd);
                    }
                    var length = checked((int)(stop - offset));
                    if (length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(length);
                    }
                    var file = segments[segment];
                    if (file.File.Read(offset, buffer.AsSpan(0, length)) != length)
                    {
                        throw Damaged(file, offset, $"the segment ends inside the event at position {position}");
                    }
                    windowSegment = segment;
                    windowStart = offset;
                    windowLength = length;
                }
                var record = buffer.AsSpan((int)(offset - windowStart), (int)(end - offset));
                if (!RecordCodec.IsValid(record, out var recordLength) || RecordCodec.Position(record) != position)
                {
                    throw Damaged(segments[segment], offset, $"the event at position {position} fails its checksum");
                }
                events[i] = RecordCodec.Decode(record[..recordLength], stream);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return events;
    }

    /// <summary>Where the record at <paramref name="position"/> ends at the latest: the next record, or its segment's end.</summary>
    private long ExtentEnd(long position, int segment, Head head)
    {
        if (position == head.Position)
        {
            return SegmentFormat.OffsetOf(head.End);
        }
        var next = index.Addresses.AddressOf(position + 1);
        return SegmentFormat.SegmentOf(next) == segment ? SegmentFormat.OffsetOf(next) : segments[segment].DataEnd;
    }

    private EmbeddedStoreCorruptedException Damaged(Segment segment, long offset, string problem) =>
        new(folder, segment.Name, offset, problem);
}

/// <summary>Positions to read: a slice of a stream's positions, or a run of consecutive ones.</summary>
internal readonly struct Positions
{
    private readonly long[]? _list;
    private readonly int _start;
    private readonly long _first;

    private Positions(long[]? list, int start, long first, int count)
    {
        _list = list;
        _start = start;
        _first = first;
        Count = count;
    }

    public int Count { get; }

    public long this[int i] => _list is null ? _first + i : _list[_start + i];

    public static Positions Run(long first, int count) => new(null, 0, first, count);

    public static Positions Slice(long[] list, int start, int count) => new(list, start, 0, count);
}

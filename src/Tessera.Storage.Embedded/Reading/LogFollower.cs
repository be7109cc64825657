using System.Text;
using Tessera.Storage.Embedded.Index;
using Tessera.Storage.Embedded.Recovery;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Reading;

/// <summary>
/// Builds and extends the index of a store that another process writes, reading only up to the head that writer
/// published in "HEAD" after its flush, so a follower never serves an event that is not durable. It changes no file.
/// </summary>
internal sealed class LogFollower(IStorageFolder folder, StoreIndex index, SegmentSet segments, LogReader reader) : IDisposable
{
    private IStorageFile? _headFile;
    private SegmentScanner? _scanner;
    private ulong _storeId;
    private Segment? _current;
    private long _offset;

    /// <summary>Reads what the writer made durable since the last call; returns true if new events became visible.</summary>
    public bool CatchUp()
    {
        if (ReadPublishedHead() is not { } published || published.Position <= index.Head.Position)
        {
            return false;
        }
        if (_scanner is null)
        {
            _storeId = published.StoreId;
            _scanner = new SegmentScanner(_storeId);
        }
        else if (published.StoreId != _storeId)
        {
            throw Corrupted(HeadFile.FileName, 0, "the HEAD file now names another store; reopen the follower");
        }
        var metadata = new List<long>();
        var next = index.Addresses.Count + 1;
        var targetSegment = SegmentFormat.SegmentOf(published.End);
        var targetOffset = SegmentFormat.OffsetOf(published.End);
        while (true)
        {
            _current ??= OpenSegment(1);
            var isSealed = _current.Number < targetSegment;
            var limit = isSealed ? _current.Capacity : targetOffset;
            var segment = _current;
            var scan = _scanner.Scan(segment, _offset, limit, next, (offset, record) => Add(segment, offset, record, metadata));
            if (scan.Damaged || (!isSealed && scan.End != targetOffset))
            {
                throw Corrupted(segment.Name, scan.End, "the writer published a head that the chunks here do not reach with valid checksums");
            }
            _offset = scan.End;
            next = scan.NextPosition;
            if (!isSealed)
            {
                break;
            }
            segment.DataEnd = _offset;
            _current = OpenSegment(segment.Number + 1);
        }
        if (next - 1 != published.Position)
        {
            throw Corrupted(_current.Name, _offset, $"the writer published head {published.Position}, but the log ends at {next - 1}");
        }
        var head = new Head(published.Position, published.End);
        foreach (var position in metadata)
        {
            var marker = reader.Read(Positions.Run(position, 1), null, head)[0];
            index.States[StreamState.TargetOf(marker.Stream.Value).Value] = StreamState.Decode(marker.Data.Span);
        }
        index.Publish(head);
        return true;
    }

    public void Dispose() => _headFile?.Dispose();

    private PublishedHead? ReadPublishedHead()
    {
        if (_headFile is null)
        {
            if (!folder.ListFiles().Contains(HeadFile.FileName))
            {
                return null; // no writer has opened the store yet
            }
            _headFile = folder.Open(HeadFile.FileName);
        }
        return HeadFile.TryRead(_headFile);
    }

    private void Add(Segment segment, long offset, ReadOnlySpan<byte> record, List<long> metadata)
    {
        var stream = Encoding.UTF8.GetString(RecordCodec.Stream(record));
        var position = RecordCodec.Position(record);
        try
        {
            index.Add(position, SegmentFormat.Address(segment.Number, offset), stream, RecordCodec.Version(record), RecordCodec.EventId(record));
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw Corrupted(segment.Name, offset, e.Message);
        }
        if (StreamState.IsMetadataStream(stream))
        {
            metadata.Add(position);
        }
    }

    private Segment OpenSegment(int number)
    {
        var name = SegmentFormat.SegmentFileName(number);
        if (!folder.ListFiles().Contains(name))
        {
            throw Corrupted(name, 0, "the writer published a head in a segment that does not exist");
        }
        var segment = new Segment(number, folder.Open(name));
        Span<byte> bytes = stackalloc byte[SegmentFormat.HeaderSize];
        segment.File.Read(0, bytes);
        if (!SegmentHeader.TryRead(bytes, out var header) || header.Number != number || header.StoreId != _storeId)
        {
            segment.Dispose();
            throw Corrupted(name, 0, "the segment header is damaged or belongs to another store");
        }
        segments.Add(segment);
        _offset = SegmentFormat.HeaderSize;
        return segment;
    }

    private EmbeddedStoreCorruptedException Corrupted(string file, long offset, string problem) => new(folder.Path, file, offset, problem);
}

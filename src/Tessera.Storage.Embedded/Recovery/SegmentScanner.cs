using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Recovery;

/// <summary>Receives each record of a valid chunk: its offset in the segment and its bytes.</summary>
internal delegate void RecordSink(long offset, ReadOnlySpan<byte> record);

/// <summary>Where a scan of a segment's chunks stopped: past the last valid chunk, and whether something else was there.</summary>
internal readonly record struct ScanResult(long End, long NextPosition, bool Damaged);

/// <summary>What lies after the last valid chunk: how far non-zero bytes reach, and whether a later chunk proves damage.</summary>
internal readonly record struct Remainder(long DirtyEnd, long? LaterChunk);

/// <summary>Reads a segment's chunks from its start, checking every header, record checksum, position and padding.</summary>
internal sealed class SegmentScanner(ulong storeId)
{
    private const int BlockSize = 1 << 20;

    /// <summary>
    /// Reads chunks until zeros, the end of the segment, or something that is not the next valid chunk. A chunk's records
    /// reach <paramref name="sink"/> only once the whole chunk checked out, because a chunk is one group commit: a torn
    /// one was never acknowledged, and half of it would split appends.
    /// </summary>
    public ScanResult Scan(Segment segment, long firstPosition, RecordSink sink) =>
        Scan(segment, SegmentFormat.HeaderSize, segment.Capacity, firstPosition, sink);

    /// <summary>The same, from <paramref name="start"/> and only over chunks that end at or before <paramref name="limit"/>.</summary>
    public ScanResult Scan(Segment segment, long start, long limit, long firstPosition, RecordSink sink)
    {
        using var cursor = new Cursor(segment.File, segment.Capacity);
        var offset = start;
        var expected = firstPosition;
        while (offset + SegmentFormat.ChunkHeaderSize <= limit)
        {
            var headerBytes = cursor.Get(offset, SegmentFormat.ChunkHeaderSize);
            if (!headerBytes.ContainsAnyExcept((byte)0))
            {
                return new ScanResult(offset, expected, Damaged: false);
            }
            if (!ChunkHeader.TryRead(headerBytes, storeId, out var header)
                || header.FirstPosition != expected
                || header.End(offset) > limit)
            {
                return new ScanResult(offset, expected, Damaged: true);
            }
            var bodyStart = offset + SegmentFormat.ChunkHeaderSize;
            var body = cursor.Get(bodyStart, header.BodyLength);
            if (!IsWholeChunk(body, header))
            {
                return new ScanResult(offset, expected, Damaged: true);
            }
            var at = 0;
            for (var i = 0; i < header.Count; i++)
            {
                var length = RecordCodec.ClaimedLength(body[at..]);
                sink(bodyStart + at, body.Slice(at, length));
                at += length;
            }
            offset = header.End(offset);
            expected += header.Count;
        }
        return new ScanResult(offset, expected, Damaged: false);
    }

    /// <summary>
    /// Looks at everything from <paramref name="end"/> to the segment's end. Chunks are written in order and each only
    /// after the one before was flushed, so a valid chunk header further on, for an event not yet seen, means the bytes at
    /// <paramref name="end"/> were once durable: damage, not a torn write.
    /// </summary>
    public Remainder Inspect(Segment segment, long end, long nextPosition)
    {
        using var cursor = new Cursor(segment.File, segment.Capacity);
        var dirtyEnd = end;
        Span<byte> magic = stackalloc byte[4];
        BitConverter.TryWriteBytes(magic, SegmentFormat.ChunkMagic);
        for (var block = end; block < segment.Capacity; block += BlockSize)
        {
            var length = (int)Math.Min(BlockSize + SegmentFormat.ChunkHeaderSize, segment.Capacity - block);
            var bytes = cursor.Get(block, length);
            var lastNonZero = bytes.LastIndexOfAnyExcept((byte)0);
            if (lastNonZero < 0)
            {
                continue;
            }
            dirtyEnd = Math.Max(dirtyEnd, block + lastNonZero + 1);
            var searched = 0;
            while (searched < Math.Min(BlockSize, bytes.Length))
            {
                var found = bytes[searched..].IndexOf(magic);
                if (found < 0)
                {
                    break;
                }
                var at = block + searched + found;
                if (at > end && at % 8 == 0 && at < block + BlockSize
                    && ChunkHeader.TryRead(bytes[(searched + found)..], storeId, out var header)
                    && header.FirstPosition >= nextPosition)
                {
                    return new Remainder(dirtyEnd, at);
                }
                searched += found + 1;
            }
        }
        return new Remainder(dirtyEnd, null);
    }

    private static bool IsWholeChunk(ReadOnlySpan<byte> body, ChunkHeader header)
    {
        if (body.Length != header.BodyLength)
        {
            return false;
        }
        var at = 0;
        for (var i = 0; i < header.Count; i++)
        {
            if (!RecordCodec.IsValid(body[at..], out var length) || RecordCodec.Position(body[at..]) != header.FirstPosition + i)
            {
                return false;
            }
            at += length;
        }
        return body.Length - at < 8 && !body[at..].ContainsAnyExcept((byte)0);
    }

    /// <summary>A window over a file for reading it front to back in large blocks.</summary>
    private sealed class Cursor(IStorageFile file, long fileLength) : IDisposable
    {
        private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BlockSize + SegmentFormat.ChunkHeaderSize);
        private long _start = -1;
        private int _count;

        /// <summary>The bytes at [offset, offset + length), or fewer where the file ends.</summary>
        public ReadOnlySpan<byte> Get(long offset, int length)
        {
            if (offset < _start || offset + length > _start + _count)
            {
                var want = (int)Math.Min(Math.Max(length, BlockSize), fileLength - offset);
                if (want > _buffer.Length)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(want);
                }
                _count = file.Read(offset, _buffer.AsSpan(0, Math.Max(want, 0)));
                _start = offset;
            }
            var available = (int)Math.Min(length, _start + _count - offset);
            return _buffer.AsSpan((int)(offset - _start), Math.Max(available, 0));
        }

        public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
    }
}

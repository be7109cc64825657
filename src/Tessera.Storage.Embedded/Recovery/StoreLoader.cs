using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tessera.Storage.Embedded.Index;
using Tessera.Storage.Embedded.Segments;
using Tessera.Storage.Embedded.Writing;

namespace Tessera.Storage.Embedded.Recovery;

/// <summary>An opened store: its id, index, segments and where the writer goes on.</summary>
internal sealed record LoadedStore(ulong StoreId, StoreIndex Index, SegmentSet Segments, WriterStart Start);

/// <summary>
/// Opens the data folder after a clean stop or a crash. Sealed segments (those followed by a segment with a chunk) are
/// durable by construction, so any damage in them is corruption; their index checkpoints are loaded instead of their
/// payloads. Only the last segment with data is scanned, and only there can a torn write be found and cut.
/// With <paramref name="verifyOnly"/> it changes nothing and reads every segment in full, ignoring checkpoints.
/// </summary>
internal sealed class StoreLoader(IStorageFolder folder, long segmentSize, bool flush, ILogger logger, bool verifyOnly = false)
{
    public LoadedStore Load()
    {
        var started = Stopwatch.GetTimestamp();
        var files = folder.ListFiles();
        if (!verifyOnly)
        {
            RemoveTemporaryFiles(files);
        }
        var numbers = files
            .Select(f => SegmentFormat.TryParseNumber(f, SegmentFormat.SegmentExtension, out var n) ? n : 0)
            .Where(n => n > 0)
            .Order()
            .ToList();
        var checkpoints = files
            .Select(f => SegmentFormat.TryParseNumber(f, SegmentFormat.IndexExtension, out var n) ? n : 0)
            .Where(n => n > 0)
            .ToHashSet();
        for (var i = 0; i < numbers.Count; i++)
        {
            if (numbers[i] != i + 1)
            {
                throw Corrupted(SegmentFormat.SegmentFileName(i + 1), 0, $"segment {i + 1} is missing while segment {numbers[i]} exists");
            }
        }
        var segments = new List<Segment>();
        try
        {
            foreach (var number in numbers)
            {
                segments.Add(new Segment(number, folder.Open(SegmentFormat.SegmentFileName(number))));
            }
            var storeId = ReadHeaders(segments);
            if (segments.Count == 0)
            {
                return verifyOnly ? Empty() : CreateNew();
            }
            var loaded = Load(segments, storeId, checkpoints);
            logger.StoreOpened(folder.Path, loaded.Index.Addresses.Count, segments.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return loaded;
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Dispose();
            }
            throw;
        }
    }

    private LoadedStore Load(List<Segment> segments, ulong storeId, HashSet<int> checkpoints)
    {
        var scanner = new SegmentScanner(storeId);
        var index = new StoreIndex();
        var set = new SegmentSet();
        var tail = 0;
        for (var i = segments.Count - 1; i > 0; i--)
        {
            if (HasValidFirstChunk(segments[i], storeId))
            {
                tail = i;
                break;
            }
        }
        long next = 1;
        for (var i = 0; i < tail; i++)
        {
            next = LoadSealed(segments[i], next, index, scanner, storeId, !verifyOnly && checkpoints.Contains(segments[i].Number));
            set.Add(segments[i]);
        }

        var active = segments[tail];
        set.Add(active);
        var activeFirst = next;
        var entries = new List<SegmentEntry>();
        var scan = scanner.Scan(active, next, (offset, record) => entries.Add(Add(index, active, offset, record)));
        CutTornTail(active, scan, scanner);
        next = scan.NextPosition;

        Segment? spare = null;
        for (var i = tail + 1; i < segments.Count; i++)
        {
            var empty = segments[i];
            CutTornTail(empty, new ScanResult(SegmentFormat.HeaderSize, next, Damaged: true), scanner);
            if (verifyOnly)
            {
                set.Add(empty);
                continue;
            }
            if (spare is null)
            {
                spare = empty;
                continue;
            }
            empty.Dispose();
            folder.Delete(empty.Name);
        }
        if (!verifyOnly)
        {
            // These segments are written again: a checkpoint of an earlier state would hide the events added from now on.
            foreach (var number in checkpoints.Where(n => n >= active.Number))
            {
                folder.Delete(SegmentFormat.IndexFileName(number));
            }
        }
        if (flush && !verifyOnly)
        {
            folder.Flush();
        }

        var count = index.Addresses.Count;
        if (count > 0)
        {
            var last = SegmentFormat.SegmentOf(index.Addresses.AddressOf(count));
            var end = last == active.Number ? scan.End : set[last].DataEnd;
            index.Publish(new Head(count, SegmentFormat.Address(last, end)));
        }
        return new LoadedStore(storeId, index, set, new WriterStart(active, scan.End, activeFirst, entries, spare));
    }

    private long LoadSealed(Segment segment, long first, StoreIndex index, SegmentScanner scanner, ulong storeId, bool hasCheckpoint)
    {
        if (hasCheckpoint
            && SegmentIndexFile.TryRead(folder, segment.Number, storeId, first) is { } contents
            && EndsAt(segment, contents.DataEnd))
        {
            foreach (var entry in contents.Entries)
            {
                try
                {
                    index.Add(index.Addresses.Count + 1, SegmentFormat.Address(segment.Number, entry.Offset), entry.Stream, entry.Version, entry.EventId);
                }
                catch (InvalidDataException e)
                {
                    throw Corrupted(segment.Name, entry.Offset, e.Message);
                }
            }
            segment.DataEnd = contents.DataEnd;
            return first + contents.Entries.Count;
        }

        var entries = new List<SegmentEntry>();
        var scan = scanner.Scan(segment, first, (offset, record) => entries.Add(Add(index, segment, offset, record)));
        if (scan.Damaged)
        {
            throw Corrupted(segment.Name, scan.End, "a chunk of a sealed segment fails its checksum or does not continue the log");
        }
        var remainder = scanner.Inspect(segment, scan.End, scan.NextPosition);
        if (remainder.DirtyEnd > scan.End)
        {
            throw Corrupted(segment.Name, scan.End, "a sealed segment holds bytes after its last valid chunk");
        }
        segment.DataEnd = scan.End;
        if (verifyOnly)
        {
            return scan.NextPosition;
        }
        try
        {
            SegmentIndexFile.Write(folder, segment.Number, storeId, new SegmentContents(first, scan.End, entries), flush);
            logger.IndexCheckpointRebuilt(segment.Name);
        }
        catch (IOException e)
        {
            logger.IndexCheckpointFailed(segment.Name, e);
        }
        return scan.NextPosition;
    }

    /// <summary>Cuts what follows the last valid chunk of the segment being written, unless it proves to be damage.</summary>
    private void CutTornTail(Segment segment, ScanResult scan, SegmentScanner scanner)
    {
        var remainder = scanner.Inspect(segment, scan.End, scan.NextPosition);
        if (remainder.LaterChunk is { } later)
        {
            throw Corrupted(segment.Name, scan.End, $"the data here fails its checksum, yet a valid later chunk follows at offset {later}");
        }
        if (remainder.DirtyEnd == scan.End || verifyOnly)
        {
            return;
        }
        // Zeros over the torn bytes, so no later scan can take leftovers of this write for events.
        var zeros = new byte[(int)Math.Min(1 << 20, remainder.DirtyEnd - scan.End)];
        for (var at = scan.End; at < remainder.DirtyEnd; at += zeros.Length)
        {
            segment.File.Write(at, zeros.AsSpan(0, (int)Math.Min(zeros.Length, remainder.DirtyEnd - at)));
        }
        if (flush)
        {
            segment.File.Flush();
        }
        logger.TornTailCut(segment.Name, scan.End, remainder.DirtyEnd - scan.End, scan.NextPosition - 1);
    }

    private SegmentEntry Add(StoreIndex index, Segment segment, long offset, ReadOnlySpan<byte> record)
    {
        var stream = Encoding.UTF8.GetString(RecordCodec.Stream(record));
        var version = RecordCodec.Version(record);
        var id = RecordCodec.EventId(record);
        try
        {
            var streamIndex = index.Add(RecordCodec.Position(record), SegmentFormat.Address(segment.Number, offset), stream, version, id);
            return new SegmentEntry(offset, streamIndex.Name.Value, version, id);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw Corrupted(segment.Name, offset, e.Message);
        }
    }

    /// <summary>Reads every segment header; a half-made last segment (no valid header, nothing else) is removed.</summary>
    private ulong ReadHeaders(List<Segment> segments)
    {
        Span<byte> bytes = stackalloc byte[SegmentFormat.HeaderSize];
        ulong storeId = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            bytes.Clear();
            segment.File.Read(0, bytes);
            if (!SegmentHeader.TryRead(bytes, out var header))
            {
                if (i == segments.Count - 1 && IsAllZeroAfterHeader(segment))
                {
                    segment.Dispose();
                    segments.RemoveAt(i);
                    if (!verifyOnly)
                    {
                        folder.Delete(segment.Name);
                        folder.Flush();
                        logger.TornSegmentRemoved(segment.Name);
                    }
                    break;
                }
                throw Corrupted(segment.Name, 0, "the segment header is damaged");
            }
            if (header.Number != segment.Number)
            {
                throw Corrupted(segment.Name, 0, $"the segment header names segment {header.Number}");
            }
            storeId = i == 0 ? header.StoreId : storeId;
            if (header.StoreId != storeId)
            {
                throw Corrupted(segment.Name, 0, "the segment belongs to another store");
            }
        }
        return storeId;
    }

    private LoadedStore CreateNew()
    {
        var storeId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) | 1;
        var segment = Segment.Create(folder, 1, storeId, segmentSize, flush);
        var set = new SegmentSet();
        set.Add(segment);
        return new LoadedStore(storeId, new StoreIndex(), set, new WriterStart(segment, SegmentFormat.HeaderSize, 1, [], null));
    }

    private static LoadedStore Empty() => new(0, new StoreIndex(), new SegmentSet(), null!);

    private void RemoveTemporaryFiles(IReadOnlyList<string> files)
    {
        var removed = false;
        foreach (var file in files.Where(f => f.EndsWith(SegmentFormat.TemporaryExtension, StringComparison.Ordinal)))
        {
            folder.Delete(file);
            removed = true;
        }
        if (removed && flush)
        {
            folder.Flush();
        }
    }

    private static bool HasValidFirstChunk(Segment segment, ulong storeId)
    {
        Span<byte> bytes = stackalloc byte[SegmentFormat.ChunkHeaderSize];
        return segment.File.Read(SegmentFormat.HeaderSize, bytes) == bytes.Length && ChunkHeader.TryRead(bytes, storeId, out _);
    }

    /// <summary>Whether a sealed segment's checkpoint ends where its chunks do (a stale checkpoint would end earlier).</summary>
    private static bool EndsAt(Segment segment, long dataEnd)
    {
        if (dataEnd < SegmentFormat.HeaderSize || dataEnd > segment.Capacity)
        {
            return false;
        }
        Span<byte> next = stackalloc byte[SegmentFormat.ChunkHeaderSize];
        var read = segment.File.Read(dataEnd, next);
        return !next[..read].ContainsAnyExcept((byte)0);
    }

    private static bool IsAllZeroAfterHeader(Segment segment)
    {
        var buffer = new byte[1 << 20];
        for (long at = 0; at < segment.Capacity; at += buffer.Length)
        {
            var read = segment.File.Read(at, buffer);
            var bytes = buffer.AsSpan(0, read);
            if (at == 0)
            {
                bytes = bytes[Math.Min(SegmentFormat.HeaderSize, read)..];
            }
            if (bytes.ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }
        return true;
    }

    private EmbeddedStoreCorruptedException Corrupted(string segment, long offset, string problem) => new(folder.Path, segment, offset, problem);
}

using Tessera.Storage.Embedded.Recovery;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>Where records and chunks sit in a closed store's segment files, for tests that damage them on purpose.</summary>
public static class StoreFiles
{
    public static string[] Segments(string folder) =>
        [.. Directory.GetFiles(folder, "*" + SegmentFormat.SegmentExtension).Order(StringComparer.Ordinal)];

    /// <summary>The records of a segment file: offset and length of each, in order.</summary>
    public static List<(long Offset, int Length)> Records(string segmentPath, long firstPosition)
    {
        var folder = new PhysicalStorageFolder(Path.GetDirectoryName(segmentPath)!, fillWithZeros: false);
        using var segment = new Segment(1, folder.Open(Path.GetFileName(segmentPath)));
        Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
        segment.File.Read(0, header);
        SegmentHeader.TryRead(header, out var parsed);
        var records = new List<(long, int)>();
        new SegmentScanner(parsed.StoreId).Scan(segment, firstPosition, (offset, record) => records.Add((offset, record.Length)));
        return records;
    }

    /// <summary>The segment holding the last event, the position of its first event, and its records.</summary>
    public static (string Path, long FirstPosition, List<(long Offset, int Length)> Records) LastWithData(string folder)
    {
        long first = 1;
        (string, long, List<(long, int)>) last = default;
        foreach (var segment in Segments(folder))
        {
            var records = Records(segment, first);
            if (records.Count > 0)
            {
                last = (segment, first, records);
            }
            first += records.Count;
        }
        return last;
    }

    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            if (Path.GetFileName(file) != "LOCK")
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
    }

    public static void FlipBit(string path, long offset)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ (1 << (int)(offset % 8))));
    }

    public static void Zero(string path, long from, long to)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = from;
        file.Write(new byte[to - from]);
    }

    public static void Put(string path, long offset, byte[] bytes)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }
}

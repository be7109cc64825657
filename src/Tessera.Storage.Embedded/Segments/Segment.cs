namespace Tessera.Storage.Embedded.Segments;

/// <summary>One segment file: its number, its file, and (once sealed) where its last chunk ends.</summary>
internal sealed class Segment(int number, IStorageFile file) : IDisposable
{
    private long _dataEnd = -1;

    public int Number { get; } = number;

    public IStorageFile File { get; } = file;

    public string Name => File.Name;

    /// <summary>The file's length: segments are allocated whole, so this is how much they can hold.</summary>
    public long Capacity { get; private set; } = file.Length;

    /// <summary>Where the last chunk of a sealed segment ends; -1 while the segment is written.</summary>
    public long DataEnd
    {
        get => Volatile.Read(ref _dataEnd);
        set => Volatile.Write(ref _dataEnd, value);
    }

    /// <summary>
    /// Makes a new segment: allocated (so a full disk fails here, not during an append), zero-filled, with its header,
    /// flushed, and its directory entry flushed, so no event is acknowledged into a file that could vanish.
    /// </summary>
    public static Segment Create(IStorageFolder folder, int number, ulong storeId, long capacity, bool flush)
    {
        var name = SegmentFormat.SegmentFileName(number);
        var file = folder.Open(name);
        try
        {
            file.Allocate(capacity);
            Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
            new SegmentHeader(number, storeId).Write(header);
            file.Write(0, header);
            if (flush)
            {
                file.Flush();
                folder.Flush();
            }
            return new Segment(number, file);
        }
        catch
        {
            file.Dispose();
            TryDelete(folder, name);
            throw;
        }
    }

    /// <summary>Grows a segment that has no events yet so that one oversized append fits.</summary>
    public void Grow(long capacity, bool flush)
    {
        File.Allocate(capacity);
        if (flush)
        {
            File.Flush();
        }
        Capacity = File.Length;
    }

    public void Dispose() => File.Dispose();

    private static void TryDelete(IStorageFolder folder, string name)
    {
        try
        {
            folder.Delete(name);
        }
        catch (IOException)
        {
            // A half-made segment that stays behind has no valid header, so opening the store removes it.
        }
    }
}

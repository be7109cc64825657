namespace Tessera.Storage.Embedded;

/// <summary>Stored data failed its checksum or does not fit the log; the store will not serve or skip it.</summary>
public sealed class EmbeddedStoreCorruptedException : Exception
{
    /// <summary>Creates the exception for damage found in <paramref name="segment"/> at <paramref name="offset"/>.</summary>
    public EmbeddedStoreCorruptedException(string folder, string segment, long offset, string problem)
        : base($"The embedded event store in {folder} is damaged: {problem}, in segment {segment} at offset {offset}. "
            + "It will not open or read past damaged data. To keep every event before the damage and set the rest aside, "
            + $"run EmbeddedStoreRepair.Repair(\"{folder}\") while no store has the folder open (see STORAGE.md in Tessera.Storage.Embedded).")
    {
        Segment = segment;
        Offset = offset;
    }

    /// <summary>The file name of the damaged segment.</summary>
    public string Segment { get; }

    /// <summary>The byte offset in the segment where the damage starts.</summary>
    public long Offset { get; }
}

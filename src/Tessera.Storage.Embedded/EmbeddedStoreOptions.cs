namespace Tessera.Storage.Embedded;

/// <summary>Settings of the embedded event store.</summary>
public sealed class EmbeddedStoreOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Tessera:EmbeddedStore";

    /// <summary>The smallest segment size accepted.</summary>
    public const long MinSegmentSize = 4096;

    /// <summary>The folder holding the store's files; created if missing. Only one store may have it open.</summary>
    public string DataFolder { get; set; } = "";

    /// <summary>The size of each segment file, allocated whole when the segment is made; 64 MiB by default.</summary>
    public long SegmentSize { get; set; } = 64L << 20;

    /// <summary>Whether appends are flushed to disk before they are acknowledged; <see cref="EmbeddedFlushMode.Durable"/> by default.</summary>
    public EmbeddedFlushMode FlushMode { get; set; } = EmbeddedFlushMode.Durable;

    internal void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataFolder))
        {
            problems.Add("DataFolder is required");
        }
        if (SegmentSize < MinSegmentSize || SegmentSize > Segments.SegmentFormat.MaxSegmentSize)
        {
            problems.Add($"SegmentSize must be from {MinSegmentSize} to {Segments.SegmentFormat.MaxSegmentSize} bytes, not {SegmentSize}");
        }
        if (!Enum.IsDefined(FlushMode))
        {
            problems.Add($"FlushMode {FlushMode} is unknown");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The embedded event store options are invalid: {string.Join("; ", problems)}.");
        }
    }
}

/// <summary>When the embedded store flushes appends to disk.</summary>
public enum EmbeddedFlushMode
{
    /// <summary>Every group of appends is flushed to disk (fdatasync) before any of them is acknowledged.</summary>
    Durable,

    /// <summary>
    /// Never flushes: acknowledged events survive a crash of the process but not of the machine. For tests only.
    /// </summary>
    NoFlushTestsOnly,
}

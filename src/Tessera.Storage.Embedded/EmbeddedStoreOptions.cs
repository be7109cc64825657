namespace Tessera.Storage.Embedded;

/// <summary>Settings of the embedded event store.</summary>
public sealed class EmbeddedStoreOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Tessera:EmbeddedStore";

    /// <summary>The smallest segment size accepted.</summary>
    public const long MinSegmentSize = 4096;

    /// <summary>The folder holding the store's files; created if missing. Only one writing store may have it open.</summary>
    public string DataFolder { get; set; } = "";

    /// <summary>The size of each segment file, allocated whole when the segment is made; 64 MiB by default.</summary>
    public long SegmentSize { get; set; } = 64L << 20;

    /// <summary>Whether appends are flushed to disk before they are acknowledged; <see cref="EmbeddedFlushMode.Durable"/> by default.</summary>
    public EmbeddedFlushMode FlushMode { get; set; } = EmbeddedFlushMode.Durable;

    /// <summary>
    /// Open the folder as a read-only follower of the process that writes it: no folder lock, appends refused, and new
    /// events served once the writer has made them durable. Several followers may run beside one writer.
    /// </summary>
    public bool ReadOnlyFollower { get; set; }

    /// <summary>How often a follower looks for new events besides being woken by file-system events; 100 ms by default.</summary>
    public TimeSpan FollowerPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

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
        if (FollowerPollInterval < TimeSpan.FromMilliseconds(1) || FollowerPollInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"FollowerPollInterval must be from 1 ms to 1 minute, not {FollowerPollInterval}");
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

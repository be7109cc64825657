namespace Tessera.Storage.Embedded;

/// <summary>Whether the embedded store takes appends.</summary>
public enum EmbeddedStoreHealth
{
    /// <summary>Reads and appends work.</summary>
    Healthy,

    /// <summary>A write or flush to disk failed: reads work, appends throw, and only reopening the store recovers.</summary>
    ReadOnly,

    /// <summary>A read-only follower met damage or an I/O error: it serves the events it had and no longer follows the writer.</summary>
    Stalled,
}

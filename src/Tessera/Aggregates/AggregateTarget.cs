namespace Tessera.Aggregates;

/// <summary>Whether a command creates its aggregate, needs it to exist, or takes either.</summary>
public enum AggregateTarget
{
    /// <summary>The aggregate must exist; otherwise the result is NotFound.</summary>
    Existing,

    /// <summary>The aggregate must not exist yet; otherwise the result is Conflict.</summary>
    New,

    /// <summary>The command runs on a new or an existing aggregate.</summary>
    Any,
}

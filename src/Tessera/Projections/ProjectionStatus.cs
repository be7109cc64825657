using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>Where a projection is: its state, checkpoint, lag, and the error that stopped it, if any.</summary>
/// <param name="Name">The projection's stable name.</param>
/// <param name="Mode">Async or inline.</param>
/// <param name="State">Starting, catching up, running, or stopped with an error.</param>
/// <param name="Checkpoint">The position of the last event applied (or passed over) in the serving tables.</param>
/// <param name="Head">The position of the store's last event when the status was taken.</param>
/// <param name="LagEvents">How many positions the checkpoint is behind the head.</param>
/// <param name="LagTime">How old the last applied event is while the projection is behind; zero when it is caught up.</param>
/// <param name="Error">The event that stopped the projection, when <paramref name="State"/> is Failed.</param>
/// <param name="Rebuild">The last or running rebuild, if any.</param>
public sealed record ProjectionStatus(
    string Name,
    ProjectionMode Mode,
    ProjectionState State,
    GlobalPosition Checkpoint,
    GlobalPosition Head,
    long LagEvents,
    TimeSpan LagTime,
    ProjectionError? Error,
    RebuildProgress? Rebuild);

/// <summary>The life of a projection runner.</summary>
public enum ProjectionState
{
    /// <summary>Opening its tables and reading its checkpoint.</summary>
    Starting,

    /// <summary>Reading stored events in full batches.</summary>
    CatchingUp,

    /// <summary>Caught up and following new appends.</summary>
    Running,

    /// <summary>Stopped by an event its handler could not apply; waits for retry or skip.</summary>
    Failed,

    /// <summary>Stopped because the host is stopping.</summary>
    Stopped,
}

/// <summary>The event that stopped a projection, and why.</summary>
/// <param name="EventId">The id of the event.</param>
/// <param name="Position">Its global position.</param>
/// <param name="EventType">Its stable type name.</param>
/// <param name="Message">The handler's exception type and message.</param>
public sealed record ProjectionError(Guid EventId, GlobalPosition Position, string EventType, string Message);

/// <summary>How far a rebuild got: events done out of the events in the store when it started (the total grows while it runs).</summary>
/// <param name="State">Running, completed or failed.</param>
/// <param name="EventsDone">The position the new tables have reached.</param>
/// <param name="EventsTotal">The store's head when last measured.</param>
/// <param name="Error">Why it failed, if it did.</param>
public sealed record RebuildProgress(RebuildState State, long EventsDone, long EventsTotal, ProjectionError? Error);

/// <summary>The life of a rebuild.</summary>
public enum RebuildState
{
    /// <summary>Replaying into new tables while the old ones serve.</summary>
    Running,

    /// <summary>The new tables replaced the old ones.</summary>
    Completed,

    /// <summary>An event failed in the new tables; they were dropped and the old ones still serve.</summary>
    Failed,
}

/// <summary>The answer to an operator's action on a projection.</summary>
public enum ProjectionActionResult
{
    /// <summary>The action was taken.</summary>
    Done,

    /// <summary>No projection has that name.</summary>
    NotFound,

    /// <summary>Retry and skip need a failed projection; this one is not failed.</summary>
    NotFailed,

    /// <summary>A rebuild of this projection is already running.</summary>
    AlreadyRebuilding,
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>
/// Runs one projection: reads from its checkpoint in batches (catch-up, then live), applies a batch and stores the
/// checkpoint in the same read-DB transaction, stops on a poison event until an operator retries or skips it, and
/// rebuilds into new tables on request.
/// </summary>
internal sealed partial class ProjectionRunner : IDisposable
{
    private readonly ProjectionDefinition _definition;
    private readonly IReadModelStore _store;
    private readonly IProjectionEventSource _reader;
    private readonly MessageSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _rebuildLock = new();
    private readonly ConcurrentDictionary<Guid, byte> _skipped = new();
    private readonly PositionSignal _advanced = new();
    private readonly List<Action> _onTouched = [];
    private ReadModelGeneration? _generation;
    private long _checkpoint;
    private long _head;
    private long _applied;
    private DateTimeOffset _lastEventTime;
    private volatile ProjectionState _state = ProjectionState.Starting;
    private volatile ProjectionError? _error;
    private volatile RebuildProgress? _rebuild;
    private TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _stopping;
    private volatile bool _anySkipped;
    private volatile bool _foreign;
    private volatile bool _sourceDown;
    private volatile bool _sourceFailed;
    private TimeSpan _backoff;

    public ProjectionRunner(ProjectionDefinition definition, IReadModelStore store, IProjectionEventSource reader, MessageSerializer serializer, ProjectionRunnerSettings settings)
    {
        _definition = definition;
        _store = store;
        _reader = reader;
        _serializer = serializer;
        _time = settings.Time;
        _logger = settings.Logger;
        _batchSize = settings.BatchSize;
    }

    public string Name => _definition.Name;

    public ProjectionDefinition Definition => _definition;

    public GlobalPosition Checkpoint => new(Volatile.Read(ref _checkpoint));

    public ProjectionState State => _state;

    public long EventsApplied => Volatile.Read(ref _applied);

    public long KnownHead => Math.Max(Volatile.Read(ref _head), Volatile.Read(ref _checkpoint));

    /// <summary>Registers a callback run after a commit that applied at least one event, before the new checkpoint is published.</summary>
    public void OnTouched(Action callback) => _onTouched.Add(callback);

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        try
        {
            if (_generation is null)
            {
                await OpenAsync(stopping);
            }
            while (!stopping.IsCancellationRequested)
            {
                if (_sourceDown)
                {
                    // The event source could not be read at open: look again after a growing pause, or at an operator's retry.
                    await WaitUntilResumedAsync(stopping, NextBackoff());
                    await CheckSourceAsync(stopping);
                    continue;
                }
                if (_foreign)
                {
                    // Stopped at open: a retry checks the tables' checkpoint against the source again (the tables stay
                    // open), a rebuild replaced them and clears the flag.
                    await WaitUntilResumedAsync(stopping);
                    if (_foreign)
                    {
                        await CheckSourceAsync(stopping);
                    }
                    continue;
                }
                if (await FollowAsync(stopping))
                {
                    await WaitUntilResumedAsync(stopping, _sourceFailed ? NextBackoff() : null);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        _state = ProjectionState.Stopped;
        _advanced.Notify();
    }

    /// <summary>Opens the serving tables (creating them on first use) and reads the checkpoint, so queries can run before the first batch.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        _generation = await _store.OpenAsync(_definition, cancellationToken);
        foreach (var skipped in await _store.ReadSkippedAsync(Name, cancellationToken))
        {
            _skipped.TryAdd(skipped, 0);
            _anySkipped = true;
        }
        await CheckSourceAsync(cancellationToken);
    }

    /// <summary>Reads the source's head, publishes the checkpoint when the tables fit it, and notes a source that cannot be read.</summary>
    private async Task CheckSourceAsync(CancellationToken cancellationToken)
    {
        var stored = _generation!.Checkpoint;
        GlobalPosition head;
        try
        {
            head = await _reader.ReadHeadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A broker that is down must not stop the host: the runner keeps trying. Until the source answers, the
            // stored checkpoint is not published (the check below needs the source's head), so tokens wait.
            _sourceDown = true;
            Fail(new ProjectionError(Guid.Empty, stored, string.Empty, $"The event source is unavailable; trying again. {ex.GetType().Name}: {ex.Message}"));
            return;
        }
        _sourceDown = false;
        if (stored > head)
        {
            // Tables that claim events this store does not have were built from another store (or the store lost its
            // tail): serving them would count every token up to their checkpoint as reached. Stop until rebuilt.
            _foreign = true;
            Publish(GlobalPosition.Start);
            Fail(new ProjectionError(Guid.Empty, stored, string.Empty,
                $"The read model's checkpoint {stored.Value} is beyond the event store's head {head.Value}: its tables were built from another event store, or the store lost events. Rebuild the projection."));
            return;
        }
        _foreign = false;
        Publish(stored);
        NoteHead(head);
        _state = head <= Checkpoint ? ProjectionState.Running : ProjectionState.CatchingUp;
    }

    /// <summary>Waits until the checkpoint reaches <paramref name="position"/>; false when the projection failed short of it.</summary>
    public async ValueTask<bool> WaitForAsync(GlobalPosition position, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = _advanced.Next;
            if (Checkpoint >= position)
            {
                return true;
            }
            if (_state is ProjectionState.Failed or ProjectionState.Stopped)
            {
                return false;
            }
            await next.WaitAsync(cancellationToken);
        }
    }

    public ProjectionStatus GetStatus(GlobalPosition head)
    {
        NoteHead(head);
        var checkpoint = Checkpoint;
        var lag = Math.Max(0, head.Value - checkpoint.Value);
        var lagTime = lag > 0 && _lastEventTime != default ? _time.GetUtcNow() - _lastEventTime : TimeSpan.Zero;
        return new ProjectionStatus(Name, _definition.Mode, _state, checkpoint, head, lag, lagTime < TimeSpan.Zero ? TimeSpan.Zero : lagTime, _error, _rebuild);
    }

    public ProjectionActionResult Retry()
    {
        if (_state != ProjectionState.Failed)
        {
            return ProjectionActionResult.NotFailed;
        }
        Resume();
        return ProjectionActionResult.Done;
    }

    /// <summary>Skips the poison event the projection stopped on. The skip is stored in the read DB first, so a restart or a rebuild skips it too.</summary>
    public async ValueTask<ProjectionActionResult> SkipAsync(CancellationToken cancellationToken)
    {
        if (_state != ProjectionState.Failed || _error is not { } error)
        {
            return ProjectionActionResult.NotFailed;
        }
        if (error.EventId != Guid.Empty)
        {
            await _store.RecordSkippedAsync(Name, error, cancellationToken);
            LogSkipped(_logger, Name, error.EventId, error.Position.Value);
            _skipped.TryAdd(error.EventId, 0);
            _anySkipped = true;
        }
        Resume();
        return ProjectionActionResult.Done;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Waits for an operator's retry, skip or rebuild. The signal is taken before the state is checked, so a retry that
    /// comes between the failure and this wait is not lost.
    /// </summary>
    private async Task WaitUntilResumedAsync(CancellationToken stopping, TimeSpan? retryAfter = null)
    {
        while (true)
        {
            var next = Volatile.Read(ref _resume).Task;
            if (_state != ProjectionState.Failed)
            {
                return;
            }
            if (retryAfter is not { } pause)
            {
                await next.WaitAsync(stopping);
                continue;
            }
            try
            {
                await next.WaitAsync(pause, _time, stopping);
            }
            catch (TimeoutException)
            {
                Resume();
                return;
            }
        }
    }

    /// <summary>The pause before the next look at an event source that failed: 0.5 s, doubling up to 15 s; a batch read resets it.</summary>
    private TimeSpan NextBackoff()
    {
        _backoff = _backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
        return _backoff;
    }

    private void Resume()
    {
        _error = null;
        _state = ProjectionState.CatchingUp;
        Interlocked.Exchange(ref _resume, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Follows the store until the projection fails (true) or the host stops.</summary>
    private async Task<bool> FollowAsync(CancellationToken stopping)
    {
        var reading = true;
        try
        {
            await foreach (var events in _reader.SubscribeAsync(Checkpoint, _batchSize, stopping))
            {
                reading = false;
                _backoff = TimeSpan.Zero;
                await _gate.WaitAsync(stopping);
                BatchOutcome outcome;
                try
                {
                    outcome = await ApplyAsync(_generation!, events, Checkpoint, stopping);
                    Advance(outcome);
                }
                finally
                {
                    _gate.Release();
                }
                NoteHead(events[^1].Position);
                if (outcome.Failure is { } failure)
                {
                    Fail(failure);
                    return true;
                }
                _state = events.Count >= _batchSize ? ProjectionState.CatchingUp : ProjectionState.Running;
                reading = true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // The read DB or the event source failed, not an event. A source that failed is tried again by itself
            // (a broker restarting); a read DB that failed waits for an operator's retry.
            _sourceFailed = reading;
            Fail(new ProjectionError(Guid.Empty, Checkpoint, string.Empty, reading
                ? $"The event source failed; trying again. {ex.GetType().Name}: {ex.Message}"
                : $"{ex.GetType().Name}: {ex.Message}"));
            return true;
        }
        return false;
    }

    private void Advance(BatchOutcome outcome)
    {
        if (outcome.Last <= Checkpoint)
        {
            return;
        }
        if (outcome.Touched)
        {
            // Caches are dropped before the new checkpoint is visible, so a reader that waited for it never gets an older answer.
            foreach (var callback in _onTouched)
            {
                callback();
            }
        }
        Interlocked.Add(ref _applied, outcome.Applied);
        if (outcome.LastTime != default)
        {
            _lastEventTime = outcome.LastTime;
        }
        Publish(outcome.Last);
    }

    private void Publish(GlobalPosition checkpoint)
    {
        Volatile.Write(ref _checkpoint, checkpoint.Value);
        _advanced.Notify();
    }

    private void NoteHead(GlobalPosition head)
    {
        long seen;
        while (head.Value > (seen = Volatile.Read(ref _head)) && Interlocked.CompareExchange(ref _head, head.Value, seen) != seen)
        {
        }
    }

    private void Fail(ProjectionError error)
    {
        LogFailed(_logger, Name, error.EventType, error.EventId, error.Position.Value, error.Message);
        _error = error;
        _state = ProjectionState.Failed;
        _advanced.Notify();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Projection} stopped at event {EventType} {EventId} (position {Position}): {Error}")]
    private static partial void LogFailed(ILogger logger, string projection, string eventType, Guid eventId, long position, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Projection} skips event {EventId} (position {Position}) on an operator's request")]
    private static partial void LogSkipped(ILogger logger, string projection, Guid eventId, long position);
}

/// <summary>How runners read and log.</summary>
internal sealed record ProjectionRunnerSettings(int BatchSize, TimeProvider Time, ILogger Logger);

/// <summary>Wakes waiters when a checkpoint moves; a waiter takes the signal before it checks, so no move is missed.</summary>
internal sealed class PositionSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

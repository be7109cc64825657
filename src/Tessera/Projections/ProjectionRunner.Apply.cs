using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>Applying batches and rebuilding: the half of the runner that writes.</summary>
internal sealed partial class ProjectionRunner
{
    /// <summary>
    /// Applies the events after <paramref name="from"/> in one transaction with the checkpoint. When a handler throws,
    /// the transaction is rolled back and the events before the poison one are applied alone, so the checkpoint stops
    /// right before it.
    /// </summary>
    private async Task<BatchOutcome> ApplyAsync(ReadModelGeneration generation, IReadOnlyList<RecordedEvent> events, GlobalPosition from, CancellationToken cancellationToken)
    {
        var limit = events.Count;
        ProjectionError? failure = null;
        while (true)
        {
            var attempt = await TryApplyAsync(generation, events, limit, from, cancellationToken);
            if (attempt.FailedAt < 0)
            {
                return attempt.Outcome with { Failure = failure };
            }
            failure = attempt.Outcome.Failure;
            limit = attempt.FailedAt;
        }
    }

    private async Task<(BatchOutcome Outcome, int FailedAt)> TryApplyAsync(ReadModelGeneration generation, IReadOnlyList<RecordedEvent> events, int limit, GlobalPosition from, CancellationToken cancellationToken)
    {
        await using var writer = await _store.BeginAsync(generation, cancellationToken);
        // An append that ran the projection in its own transaction may have moved the stored checkpoint past the runner's.
        from = writer.StoredCheckpoint > from ? writer.StoredCheckpoint : from;
        var last = from;
        var lastTime = default(DateTimeOffset);
        var applied = 0;
        for (var i = 0; i < limit; i++)
        {
            var e = events[i];
            if (e.Position <= from)
            {
                continue;
            }
            if (_definition.Handlers.TryGet(e.Type, out var handler) && !(_anySkipped && _skipped.ContainsKey(e.EventId)))
            {
                try
                {
                    writer.Batch.Current = e;
                    var message = _serializer.Deserialize(handler.EventType, e.Data.Span);
                    await handler.Invoke(_definition.Instance, message, writer.Batch);
                    applied++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var error = new ProjectionError(e.EventId, e.Position, e.Type, $"{ex.GetType().Name}: {ex.Message}");
                    return (new BatchOutcome(from, 0, false, default, error), i);
                }
            }
            last = e.Position;
            lastTime = e.Metadata.Time;
        }
        if (last > from)
        {
            await writer.CommitAsync(last, cancellationToken);
        }
        return (new BatchOutcome(last, applied, applied > 0, lastTime, null), -1);
    }

    public ProjectionActionResult StartRebuild()
    {
        lock (_rebuildLock)
        {
            if (_rebuild is { State: RebuildState.Running })
            {
                return ProjectionActionResult.AlreadyRebuilding;
            }
            _rebuild = new RebuildProgress(RebuildState.Running, 0, KnownHead, null);
        }
        _ = Task.Run(() => RebuildAsync(_stopping));
        return ProjectionActionResult.Done;
    }

    /// <summary>Replays from position 0 into new tables while the old ones serve, then swaps them in with the runner paused.</summary>
    private async Task RebuildAsync(CancellationToken stopping)
    {
        ReadModelGeneration? fresh = null;
        try
        {
            fresh = await _store.CreateGenerationAsync(_definition, stopping);
            var head = await _reader.ReadHeadAsync(stopping);
            NoteHead(head);
            var position = await ReplayAsync(fresh, GlobalPosition.Start, stopping);
            await _gate.WaitAsync(stopping);
            try
            {
                // The runner is paused: finish up to its checkpoint, then swap in one step.
                position = await ReplayAsync(fresh, position, stopping);
                await _store.SwapAsync(fresh with { Checkpoint = position }, stopping);
                _generation = fresh with { Checkpoint = position };
                foreach (var callback in _onTouched)
                {
                    callback();
                }
                if (position > Checkpoint)
                {
                    Publish(position);
                }
                if (_foreign)
                {
                    // The tables from another store are gone: follow this store from the start into the fresh ones.
                    _foreign = false;
                    Resume();
                }
            }
            finally
            {
                _gate.Release();
            }
            _rebuild = new RebuildProgress(RebuildState.Completed, position.Value, KnownHead, null);
        }
        catch (RebuildFailedException failed)
        {
            await DropQuietlyAsync(fresh);
            _rebuild = new RebuildProgress(RebuildState.Failed, _rebuild?.EventsDone ?? 0, KnownHead, failed.Error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            await DropQuietlyAsync(fresh);
            _rebuild = new RebuildProgress(RebuildState.Failed, _rebuild?.EventsDone ?? 0, KnownHead, new ProjectionError(Guid.Empty, GlobalPosition.Start, string.Empty, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    /// <summary>Applies stored events into <paramref name="generation"/> from <paramref name="position"/> until it reaches the runner's checkpoint.</summary>
    private async Task<GlobalPosition> ReplayAsync(ReadModelGeneration generation, GlobalPosition position, CancellationToken cancellationToken)
    {
        while (position < Checkpoint)
        {
            var slice = await _reader.ReadAllAsync(position, _batchSize, cancellationToken);
            if (slice.Events.Count == 0)
            {
                break;
            }
            var outcome = await ApplyAsync(generation, slice.Events, position, cancellationToken);
            if (outcome.Failure is { } failure)
            {
                throw new RebuildFailedException(failure);
            }
            position = outcome.Last;
            NoteHead(slice.Events[^1].Position);
            _rebuild = new RebuildProgress(RebuildState.Running, position.Value, KnownHead, null);
        }
        return position;
    }

    private async Task DropQuietlyAsync(ReadModelGeneration? generation)
    {
        if (generation is not null)
        {
            await _store.DropAsync(generation, CancellationToken.None);
        }
    }

    /// <summary>What one batch did: the position committed, how many events were applied, and the poison event if any.</summary>
    private sealed record BatchOutcome(GlobalPosition Last, int Applied, bool Touched, DateTimeOffset LastTime, ProjectionError? Failure);

    private sealed class RebuildFailedException(ProjectionError error) : Exception(error.Message)
    {
        public ProjectionError Error { get; } = error;
    }
}

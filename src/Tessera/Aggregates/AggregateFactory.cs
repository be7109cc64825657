using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Aggregates;

/// <summary>Loads an aggregate from its stream (and snapshot), runs a command on it, and appends the raised events with optimistic concurrency.</summary>
public sealed partial class AggregateFactory
{
    private const int PageSize = 512;
    private readonly FrozenDictionary<Type, AggregateType> _types;
    private readonly IEventStore _store;
    private readonly MessageSerializer _serializer;
    private readonly Snapshots _snapshots;
    private readonly TimeProvider _time;
    private readonly int _retries;
    private readonly ILogger _logger;
    private readonly CommandMetrics? _metrics;

    internal AggregateFactory(IEnumerable<AggregateType> types, IEventStore store, MessageSerializer serializer, TimeProvider time, TesseraOptions options, ILogger<AggregateFactory> logger, CommandMetrics? metrics = null)
    {
        _metrics = metrics;
        _types = types.ToFrozenDictionary(t => t.ClrType);
        _store = store;
        _serializer = serializer;
        _time = time;
        _snapshots = new Snapshots(store, serializer, time);
        _retries = options.ConflictRetries;
        _logger = logger;
    }

    /// <summary>Runs a command on the aggregate that its id targets, with the rules the aggregate declared for it.</summary>
    public ValueTask<CommandResult> ExecuteAsync<TAggregate, TCommand>(TCommand command, CommandContext context)
        where TAggregate : class
        where TCommand : class, ICommand
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_types.TryGetValue(typeof(TAggregate), out var type))
        {
            throw new InvalidOperationException($"{typeof(TAggregate).Name} is not a registered aggregate; add it with builder.AddAggregate.");
        }
        return type.ExecuteAsync(this, type.TargetOf(command), command, context);
    }

    /// <summary>Reads an aggregate's current state, or null when it does not exist; for handlers that coordinate several aggregates.</summary>
    public async ValueTask<TState?> LoadStateAsync<TAggregate, TState>(IIdentity id, CancellationToken cancellationToken = default)
        where TAggregate : Aggregate<TState>, new()
        where TState : class, new()
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!_types.TryGetValue(typeof(TAggregate), out var type) || type is not AggregateType<TAggregate, TState> typed)
        {
            throw new InvalidOperationException($"{typeof(TAggregate).Name} is not a registered aggregate with state {typeof(TState).Name}.");
        }
        var loaded = await LoadAsync(typed, StreamName.For(typed.Category, id), cancellationToken);
        return loaded.Version == StreamVersion.None ? null : loaded.State;
    }

    internal async ValueTask<CommandResult> RunAsync<TAggregate, TState>(AggregateType<TAggregate, TState> type, IIdentity id, ICommand command, CommandContext context)
        where TAggregate : Aggregate<TState>, new()
        where TState : class, new()
    {
        context = Complete(context);
        var stream = StreamName.For(type.Category, id);
        var cancellationToken = context.CancellationToken;
        for (var attempt = 0; ; attempt++)
        {
            var loaded = await LoadAsync(type, stream, cancellationToken);
            var decision = type.Decide(id, loaded.State, loaded.Version, command, context.Time);
            switch (decision.Status)
            {
                case CommandStatus.NotFound:
                    return CommandResult.NotFound(decision.Reason!);
                case CommandStatus.Conflict:
                    return CommandResult.Conflict(decision.Reason!);
                case CommandStatus.ValidationFailed:
                    return CommandResult.ValidationFailed(decision.Violations!);
            }
            if (decision.Events.Count == 0)
            {
                return CommandResult.Accepted(loaded.Position, loaded.Version);
            }
            var events = ToEventData(decision.Events, stream, context);
            var startedAt = _metrics?.TimingAppends == true ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            var appended = await _store.AppendAsync(stream, ExpectedVersion.From(loaded.Version), events, cancellationToken);
            if (startedAt != 0)
            {
                _metrics!.RecordAppend(startedAt);
            }
            if (appended.Succeeded)
            {
                if (appended.Status == AppendStatus.Written)
                {
                    await SnapshotIfDueAsync(type, stream, loaded.Version, (TState)decision.State!, appended, cancellationToken);
                }
                return CommandResult.Accepted(appended.Position, appended.Version);
            }
            // Someone appended first. If it was this very command (a concurrent retry), its first result stands.
            if (await AcceptedCommands.FindAsync(_store, events[0].EventId, context.CommandId, cancellationToken) is { } earlier)
            {
                return earlier;
            }
            if (attempt >= _retries)
            {
                return CommandResult.Conflict($"{stream} kept changing while the command ran; gave up after {attempt + 1} attempts.");
            }
            LogRetry(_logger, stream.Value, attempt + 1);
        }
    }

    internal CommandContext Complete(CommandContext context) => context.Completed(_time);

    private async ValueTask<Loaded<TState>> LoadAsync<TAggregate, TState>(AggregateType<TAggregate, TState> type, StreamName stream, CancellationToken cancellationToken)
        where TAggregate : Aggregate<TState>, new()
        where TState : class, new()
    {
        var state = new TState();
        var version = StreamVersion.None;
        var position = GlobalPosition.Start;
        if (type.SnapshotEvery > 0 && await _snapshots.ReadAsync<TState>(stream, type.SnapshotSchema, cancellationToken) is { } snapshot)
        {
            (state, version, position) = (snapshot.State, snapshot.Version, snapshot.Position);
        }
        while (true)
        {
            var slice = await _store.ReadStreamAsync(stream, version.Next, ReadDirection.Forwards, PageSize, cancellationToken);
            foreach (var recorded in slice.Events)
            {
                var e = (IEvent)_serializer.DeserializeEvent(recorded.Type, recorded.Data.Span);
                state = type.When.Apply(state, e);
                version = recorded.Version;
                position = recorded.Position;
            }
            if (slice.IsEnd || slice.Events.Count == 0)
            {
                return new Loaded<TState>(state, version, position);
            }
        }
    }

    private EventData[] ToEventData(IReadOnlyList<IEvent> raised, StreamName stream, CommandContext context)
    {
        var metadata = new EventMetadata
        {
            CorrelationId = context.CorrelationId,
            CausationId = context.CommandId,
            User = context.UserName,
            Time = context.Time,
            Signature = context.VerifiedSignature,
        };
        var events = new EventData[raised.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = raised[i];
            events[i] = new EventData(EventIds.Derive(context.CommandId, stream, i), _serializer.Registry.GetName(e.GetType()), _serializer.Serialize(e), metadata);
        }
        return events;
    }

    private async ValueTask SnapshotIfDueAsync<TAggregate, TState>(AggregateType<TAggregate, TState> type, StreamName stream, StreamVersion before, TState state, AppendResult appended, CancellationToken cancellationToken)
        where TAggregate : Aggregate<TState>, new()
        where TState : class, new()
    {
        var every = type.SnapshotEvery;
        if (every <= 0 || (before.Value + 1) / every == (appended.Version.Value + 1) / every)
        {
            return;
        }
        try
        {
            await _snapshots.WriteAsync(stream, type.SnapshotSchema, new Snapshot<TState>(state, appended.Version, appended.Position), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The command's events are durable; a missing snapshot only makes the next load longer.
            LogSnapshotFailed(_logger, e, stream.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Version conflict on {Stream}; retry {Attempt}")]
    private static partial void LogRetry(ILogger logger, string stream, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write a snapshot of {Stream}")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, string stream);

    private readonly record struct Loaded<TState>(TState State, StreamVersion Version, GlobalPosition Position);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Aggregates;

/// <summary>
/// Snapshots kept in the event store itself, in a "$snapshot-{stream}" stream, so they are as durable as the events
/// with every store and need nothing more from it. A snapshot is only a shortcut: a missing or outdated one costs a
/// longer load, never a wrong state.
/// </summary>
internal sealed class Snapshots(IEventStore store, MessageSerializer serializer, TimeProvider time)
{
    private const string TypeName = "$snapshot";
    private static readonly Guid Namespace = new("6f1d3c55-2b0e-4a43-9a55-3b4f2a7e9c10");

    public static StreamName StreamOf(StreamName stream) => new("$snapshot-" + stream.Value);

    public async ValueTask<Snapshot<TState>?> ReadAsync<TState>(StreamName stream, int schema, CancellationToken cancellationToken)
        where TState : class
    {
        var slice = await store.ReadStreamAsync(StreamOf(stream), StreamVersion.End, ReadDirection.Backwards, 1, cancellationToken);
        if (slice.Events.Count == 0 || slice.Events[0].Type != TypeName)
        {
            return null;
        }
        var envelope = JsonSerializer.Deserialize(slice.Events[0].Data.Span, SnapshotJsonContext.Default.SnapshotEnvelope);
        if (envelope is null || envelope.Schema != schema)
        {
            return null;
        }
        var state = (TState)(envelope.State.Deserialize(serializer.GetTypeInfo(typeof(TState))) ?? throw new JsonException($"The snapshot of {stream} holds no state."));
        return new Snapshot<TState>(state, new StreamVersion(envelope.Version), new GlobalPosition(envelope.Position));
    }

    public async ValueTask WriteAsync<TState>(StreamName stream, int schema, Snapshot<TState> snapshot, CancellationToken cancellationToken)
        where TState : class
    {
        var snapshotStream = StreamOf(stream);
        var state = JsonSerializer.SerializeToElement(snapshot.State, serializer.GetTypeInfo(typeof(TState)));
        var envelope = new SnapshotEnvelope(schema, snapshot.Version.Value, snapshot.Position.Value, state);
        var data = JsonSerializer.SerializeToUtf8Bytes(envelope, SnapshotJsonContext.Default.SnapshotEnvelope);
        // The id depends only on the stream and version, so two processes writing the same snapshot store one copy.
        var id = EventIds.Derive(Namespace, snapshotStream, (int)Math.Min(snapshot.Version.Value, int.MaxValue));
        var metadata = new EventMetadata { Time = time.GetUtcNow() };
        await store.AppendAsync(snapshotStream, ExpectedVersion.Any, [new EventData(id, TypeName, data, metadata)], cancellationToken);
    }
}

internal sealed record Snapshot<TState>(TState State, StreamVersion Version, GlobalPosition Position);

internal sealed record SnapshotEnvelope(int Schema, long Version, long Position, JsonElement State);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SnapshotEnvelope))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;

using Tessera.Messages;

namespace Tessera.Storage;

/// <summary>An event as the store holds it: where it sits in its stream and in the whole log.</summary>
public sealed record RecordedEvent(
    Guid EventId,
    StreamName Stream,
    StreamVersion Version,
    GlobalPosition Position,
    string Type,
    ReadOnlyMemory<byte> Data,
    EventMetadata Metadata);

using System.Text.Json;
using Tessera.Aggregates;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Commands;

/// <summary>One signing attempt as the audit trail keeps it: who, what, when, over which command, and the verdict.</summary>
public sealed record SignatureAuditEntry(
    Guid CommandId,
    string CommandName,
    string CommandHash,
    string Signer,
    string Meaning,
    string? User,
    DateTimeOffset Time,
    bool Verified,
    string Detail);

/// <summary>
/// The append-only trail of every signing and every refusal (21 CFR Part 11), kept in the event store's "$signatures"
/// stream: it is as durable as the events, and nothing in Tessera's API changes or deletes a stream.
/// </summary>
public sealed class SignatureAudit
{
    /// <summary>The stream that holds the trail.</summary>
    public static readonly StreamName Stream = new("$signatures");

    private const string TypeName = "$signature-audit";
    private readonly IEventStore _store;

    internal SignatureAudit(IEventStore store) => _store = store;

    /// <summary>Appends one entry and returns once it is durable.</summary>
    public async ValueTask RecordAsync(SignatureAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var data = JsonSerializer.SerializeToUtf8Bytes(entry, TesseraJsonContext.Default.SignatureAuditEntry);
        // The id depends on the attempt, so a retried write of the same entry is stored once.
        var id = EventIds.Derive(entry.CommandId, $"{entry.CommandHash}/{entry.Time.UtcTicks}/{entry.Verified}", 0);
        var metadata = new EventMetadata { CausationId = entry.CommandId, CorrelationId = entry.CommandId, User = entry.User, Time = entry.Time };
        await _store.AppendAsync(Stream, ExpectedVersion.Any, [new EventData(id, TypeName, data, metadata)], cancellationToken);
    }

    /// <summary>Reads the trail from the oldest entry, a page at a time.</summary>
    public async IAsyncEnumerable<SignatureAuditEntry> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = StreamVersion.Start;
        while (true)
        {
            var slice = await _store.ReadStreamAsync(Stream, from, ReadDirection.Forwards, 500, cancellationToken);
            foreach (var e in slice.Events)
            {
                yield return JsonSerializer.Deserialize(e.Data.Span, TesseraJsonContext.Default.SignatureAuditEntry)!;
                from = e.Version.Next;
            }
            if (slice.IsEnd || slice.Events.Count == 0)
            {
                yield break;
            }
        }
    }
}

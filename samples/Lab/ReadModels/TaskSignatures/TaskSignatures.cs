using Dapper;
using Lab.Tasks;
using Tessera.Projections;
using Tessera.Queries;
using Task = System.Threading.Tasks.Task;

namespace Lab.ReadModels.TaskSignatures;

/// <summary>One electronic signature on a task: who signed, what it means, when, and over which command.</summary>
public sealed record TaskSignature
{
    /// <summary>The task's id.</summary>
    public Guid TaskId { get; init; }

    /// <summary>The id of the signed event.</summary>
    public Guid EventId { get; init; }

    /// <summary>Who signed.</summary>
    public string Signer { get; init; } = string.Empty;

    /// <summary>What the signature means (performed, reviewed, approved).</summary>
    public string Meaning { get; init; } = string.Empty;

    /// <summary>When it was signed.</summary>
    public DateTimeOffset SignedAt { get; init; }

    /// <summary>How the signer was verified.</summary>
    public string Method { get; init; } = string.Empty;

    /// <summary>The hash of the signed command.</summary>
    public string CommandHash { get; init; } = string.Empty;

    /// <summary>The outcome recorded with the completion.</summary>
    public string Outcome { get; init; } = string.Empty;
}

/// <summary>The signature audit trail of one task, oldest first.</summary>
public sealed record GetTaskSignatures(TaskId TaskId) : IQuery<IReadOnlyList<TaskSignature>>;

/// <summary>Copies each signature from the completion event's metadata into the audit trail.</summary>
public sealed class TaskSignaturesProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "task-signatures.v1";

    /// <inheritdoc />
    public string Schema => """
        CREATE TABLE task_signatures (
            event_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, signer TEXT NOT NULL, meaning TEXT NOT NULL, signed_at TEXT NOT NULL,
            method TEXT NOT NULL, command_hash TEXT NOT NULL, outcome TEXT NOT NULL, position INTEGER NOT NULL);
        CREATE INDEX task_signatures_by_task ON task_signatures (task_id, position);
        """;

    /// <summary>Records the signature the completion carried (the command requires one, so it is always there).</summary>
    public static Task When(TaskCompleted e, SqlBatch b)
    {
        if (b.Current.Metadata.Signature is not { } signature)
        {
            throw new InvalidOperationException($"Task {e.Id} was completed without a signature record in its metadata.");
        }
        return b.Connection.ExecuteAsync(
            """
            INSERT INTO task_signatures (event_id, task_id, signer, meaning, signed_at, method, command_hash, outcome, position)
            VALUES (@EventId, @TaskId, @Signer, @Meaning, @SignedAt, @Method, @CommandHash, @Outcome, @Position) ON CONFLICT (event_id) DO NOTHING
            """,
            new
            {
                b.Current.EventId,
                TaskId = e.Id.Value,
                signature.Signer,
                signature.Meaning,
                signature.SignedAt,
                signature.Method,
                signature.CommandHash,
                e.Outcome,
                Position = b.Current.Position.Value,
            },
            b.Transaction);
    }
}

/// <summary>Answers GetTaskSignatures.</summary>
internal sealed class TaskSignatureQueries : IQueryHandler<GetTaskSignatures, IReadOnlyList<TaskSignature>>
{
    public async ValueTask<IReadOnlyList<TaskSignature>> HandleAsync(GetTaskSignatures query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<TaskSignature>(new CommandDefinition(
            """
            SELECT task_id AS TaskId, event_id AS EventId, signer AS Signer, meaning AS Meaning, signed_at AS SignedAt, method AS Method,
                   command_hash AS CommandHash, outcome AS Outcome
            FROM task_signatures WHERE task_id = @TaskId ORDER BY position
            """,
            new { TaskId = query.TaskId.Value },
            cancellationToken: context.CancellationToken));
        return [.. rows];
    }
}

using Dapper;
using Lab.Animals;
using Lab.Tasks;
using Tessera.Projections;
using Tessera.Queries;
using Task = System.Threading.Tasks.Task;

namespace Lab.ReadModels.OpenTasks;

/// <summary>A task that is scheduled and not yet completed or cancelled.</summary>
public sealed record OpenTask
{
    /// <summary>The task's id.</summary>
    public Guid TaskId { get; init; }

    /// <summary>The animal it is for.</summary>
    public Guid AnimalId { get; init; }

    /// <summary>What is to be done.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>The day it is due, as yyyy-MM-dd.</summary>
    public string DueOn { get; init; } = string.Empty;

    /// <summary>When it was scheduled.</summary>
    public DateTimeOffset ScheduledAt { get; init; }
}

/// <summary>The open tasks of one animal, soonest due first.</summary>
public sealed record ListOpenTasks(AnimalId AnimalId) : IQuery<IReadOnlyList<OpenTask>>;

/// <summary>Keeps one row per open task: added when scheduled, removed when completed or cancelled.</summary>
public sealed class OpenTasksProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "open-tasks.v1";

    /// <inheritdoc />
    public string Schema => """
        CREATE TABLE open_tasks (task_id TEXT PRIMARY KEY, animal_id TEXT NOT NULL, title TEXT NOT NULL, due_on TEXT NOT NULL, scheduled_at TEXT NOT NULL);
        CREATE INDEX open_tasks_by_animal ON open_tasks (animal_id, due_on, task_id);
        """;

    /// <summary>Opens the task.</summary>
    public static Task When(TaskScheduled e, SqlBatch b) => b.Connection.ExecuteAsync(
        "INSERT INTO open_tasks (task_id, animal_id, title, due_on, scheduled_at) VALUES (@TaskId, @AnimalId, @Title, @DueOn, @ScheduledAt) ON CONFLICT (task_id) DO NOTHING",
        new { TaskId = e.Id.Value, AnimalId = e.AnimalId.Value, e.Title, DueOn = e.DueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), e.ScheduledAt },
        b.Transaction);

    /// <summary>A completed task is no longer open.</summary>
    public static Task When(TaskCompleted e, SqlBatch b) => Close(e.Id, b);

    /// <summary>A cancelled task is no longer open.</summary>
    public static Task When(TaskCancelled e, SqlBatch b) => Close(e.Id, b);

    private static Task<int> Close(TaskId id, SqlBatch b) =>
        b.Connection.ExecuteAsync("DELETE FROM open_tasks WHERE task_id = @TaskId", new { TaskId = id.Value }, b.Transaction);
}

/// <summary>Answers ListOpenTasks.</summary>
internal sealed class OpenTaskQueries : IQueryHandler<ListOpenTasks, IReadOnlyList<OpenTask>>
{
    public async ValueTask<IReadOnlyList<OpenTask>> HandleAsync(ListOpenTasks query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<OpenTask>(new CommandDefinition(
            "SELECT task_id AS TaskId, animal_id AS AnimalId, title AS Title, due_on AS DueOn, scheduled_at AS ScheduledAt FROM open_tasks WHERE animal_id = @AnimalId ORDER BY due_on, task_id",
            new { AnimalId = query.AnimalId.Value },
            cancellationToken: context.CancellationToken));
        return [.. rows];
    }
}

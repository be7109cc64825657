using Lab.Animals;
using Tessera.Aggregates;
using Tessera.Messages;

namespace Lab.Tasks;

/// <summary>Schedules a new task for an animal.</summary>
public sealed record ScheduleNewTask(TaskId Id, AnimalId AnimalId, string Title, DateOnly DueOn) : ICommand<TaskId>;

/// <summary>Completes a task; the person who did it signs electronically.</summary>
public sealed record CompleteTask(TaskId Id, string Outcome) : ICommand<TaskId>;

/// <summary>Cancels a task that is not done.</summary>
public sealed record CancelTask(TaskId Id, string Reason) : ICommand<TaskId>;

/// <summary>A task was scheduled.</summary>
public sealed record TaskScheduled(TaskId Id, AnimalId AnimalId, string Title, DateOnly DueOn, DateTimeOffset ScheduledAt) : IEvent<TaskId>;

/// <summary>A task was completed (the signature is in the event's metadata).</summary>
public sealed record TaskCompleted(TaskId Id, string Outcome, DateTimeOffset CompletedAt) : IEvent<TaskId>;

/// <summary>A task was cancelled.</summary>
public sealed record TaskCancelled(TaskId Id, string Reason, DateTimeOffset CancelledAt) : IEvent<TaskId>;

/// <summary>Where a task is.</summary>
public enum TaskStatus
{
    /// <summary>Not scheduled.</summary>
    None,

    /// <summary>Scheduled and open.</summary>
    Scheduled,

    /// <summary>Done and signed.</summary>
    Completed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

/// <summary>What a task's decisions need to know.</summary>
public sealed record TaskState
{
    /// <summary>Where the task is.</summary>
    public TaskStatus Status { get; init; }

    /// <summary>Applies TaskScheduled.</summary>
    public TaskState When(TaskScheduled e) => this with { Status = TaskStatus.Scheduled };

    /// <summary>Applies TaskCompleted.</summary>
    public TaskState When(TaskCompleted e) => this with { Status = TaskStatus.Completed };

    /// <summary>Applies TaskCancelled.</summary>
    public TaskState When(TaskCancelled e) => this with { Status = TaskStatus.Cancelled };
}

/// <summary>A lab task on one animal.</summary>
public sealed class Task : Aggregate<TaskId, TaskState>
{
    /// <summary>The stream category of tasks.</summary>
    public const string StreamCategory = "task";

    /// <summary>Schedules the task.</summary>
    public void When(ScheduleNewTask command) => Raise(new TaskScheduled(command.Id, command.AnimalId, command.Title.Trim(), command.DueOn, Now));

    /// <summary>Completes the task.</summary>
    public void When(CompleteTask command) => Raise(new TaskCompleted(command.Id, command.Outcome.Trim(), Now));

    /// <summary>Cancels the task.</summary>
    public void When(CancelTask command) => Raise(new TaskCancelled(command.Id, command.Reason.Trim(), Now));
}

/// <summary>The business rules of tasks.</summary>
public static class TaskRules
{
    /// <summary>Rules on ScheduleNewTask alone.</summary>
    public static readonly Rule<ScheduleNewTask>[] Schedule =
    [
        Rule.For<ScheduleNewTask>("task.title-missing", "A task needs a title.", c => !string.IsNullOrWhiteSpace(c.Title), "title"),
        Rule.For<ScheduleNewTask>("task.title-too-long", "A task title has at most 200 characters.", c => c.Title is null || c.Title.Length <= 200, "title"),
    ];

    /// <summary>Rules on CompleteTask alone.</summary>
    public static readonly Rule<CompleteTask>[] CompleteCommand =
    [
        Rule.For<CompleteTask>("task.outcome-missing", "A completed task needs its outcome.", c => !string.IsNullOrWhiteSpace(c.Outcome), "outcome"),
    ];

    /// <summary>Rules on completing, given the task's state.</summary>
    public static readonly Rule<TaskState, CompleteTask>[] Complete =
    [
        Rule.For<TaskState, CompleteTask>("task.already-completed", "The task is already completed.", (s, _) => s.Status != TaskStatus.Completed),
        Rule.For<TaskState, CompleteTask>("task.cancelled", "A cancelled task cannot be completed.", (s, _) => s.Status != TaskStatus.Cancelled),
    ];

    /// <summary>Rules on cancelling, given the task's state.</summary>
    public static readonly Rule<TaskState, CancelTask>[] Cancel =
    [
        Rule.For<TaskState, CancelTask>("task.already-completed", "A completed task cannot be cancelled.", (s, _) => s.Status != TaskStatus.Completed),
        Rule.For<TaskState, CancelTask>("task.cancelled", "The task is already cancelled.", (s, _) => s.Status != TaskStatus.Cancelled),
    ];
}

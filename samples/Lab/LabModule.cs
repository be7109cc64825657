using System.Text.Json;
using System.Text.Json.Serialization;
using Lab.Animals;
using Lab.Tasks;
using Tessera;
using Tessera.Aggregates;
using LabTask = Lab.Tasks.Task;

namespace Lab;

/// <summary>The roles of the lab.</summary>
public static class LabRoles
{
    /// <summary>A technician: schedules, completes and cancels tasks.</summary>
    public const string Technician = "technician";

    /// <summary>A lab manager: manages animals and everything a technician does.</summary>
    public const string Manager = "manager";
}

/// <summary>The Lab's only registration code.</summary>
public static class LabModule
{
    /// <summary>The meanings a signature on a completed task may carry.</summary>
    public static readonly string[] CompletionMeanings = ["performed", "reviewed", "approved"];

    /// <summary>Adds the Lab's domain to Tessera.</summary>
    public static TesseraBuilder AddLab(this TesseraBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddJson(LabJsonContext.Default);
        builder.Events
            .Add<TaskScheduled>("lab.task-scheduled.v1")
            .Add<TaskCompleted>("lab.task-completed.v1")
            .Add<TaskCancelled>("lab.task-cancelled.v1")
            .Add<AnimalRegistered>("lab.animal-registered.v1")
            .Add<AnimalRetired>("lab.animal-retired.v1");

        builder.Command<ScheduleNewTask>("lab.schedule-new-task").Validate(TaskRules.Schedule).AllowRoles(LabRoles.Technician, LabRoles.Manager);
        builder.Command<CompleteTask>("lab.complete-task")
            .Validate(TaskRules.CompleteCommand)
            .AllowRoles(LabRoles.Technician, LabRoles.Manager)
            .RequireSignature(meanings: CompletionMeanings);
        builder.Command<CancelTask>("lab.cancel-task").AllowRoles(LabRoles.Technician, LabRoles.Manager);
        builder.AddAggregate<LabTask, TaskState>(LabTask.StreamCategory, task => task
            .Executes<ScheduleNewTask>(AggregateTarget.New)
            .Handles(TaskRules.Complete)
            .Handles(TaskRules.Cancel));
        builder.AddCommandHandler<ScheduleNewTask, ScheduleNewTaskHandler>();

        builder.Command<RegisterAnimal>("lab.register-animal").Validate(AnimalRules.Register).AllowRoles(LabRoles.Manager);
        builder.Command<RetireAnimal>("lab.retire-animal").AllowRoles(LabRoles.Manager);
        builder.AddAggregate<Animal, AnimalState>(Animal.StreamCategory, animal => animal
            .Creates<RegisterAnimal>()
            .Handles(AnimalRules.Retire));
        return builder;
    }
}

/// <summary>Source-generated JSON for the Lab's commands and events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ScheduleNewTask))]
[JsonSerializable(typeof(CompleteTask))]
[JsonSerializable(typeof(CancelTask))]
[JsonSerializable(typeof(TaskScheduled))]
[JsonSerializable(typeof(TaskCompleted))]
[JsonSerializable(typeof(TaskCancelled))]
[JsonSerializable(typeof(RegisterAnimal))]
[JsonSerializable(typeof(RetireAnimal))]
[JsonSerializable(typeof(AnimalRegistered))]
[JsonSerializable(typeof(AnimalRetired))]
public sealed partial class LabJsonContext : JsonSerializerContext;

using Lab.Animals;
using Tessera.Aggregates;
using Tessera.Commands;

namespace Lab.Tasks;

/// <summary>Schedules a task only for a registered animal that is not retired.</summary>
internal sealed class ScheduleNewTaskHandler(AggregateFactory factory) : ICommandHandler<ScheduleNewTask>
{
    private static readonly RuleViolation UnknownAnimal = new("task.animal-unknown", "The animal is not registered.", "animalId");
    private static readonly RuleViolation RetiredAnimal = new("task.animal-retired", "The animal is retired.", "animalId");

    public async ValueTask<CommandResult> HandleAsync(ScheduleNewTask command, CommandContext context)
    {
        var animal = await factory.LoadStateAsync<Animal, AnimalState>(command.AnimalId, context.CancellationToken);
        if (animal is null)
        {
            return CommandResult.ValidationFailed([UnknownAnimal]);
        }
        if (animal.Retired)
        {
            return CommandResult.ValidationFailed([RetiredAnimal]);
        }
        return await factory.ExecuteAsync<Task, ScheduleNewTask>(command, context);
    }
}

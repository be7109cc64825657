using System.Security.Claims;
using Lab.Animals;
using Lab.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Tessera;
using Tessera.Commands;
using Tessera.Storage;
using Tessera.Testing;
using Xunit;
using LabTask = Lab.Tasks.Task;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Lab.Tasks.TaskStatus;

namespace Lab.Tests;

public static class LabTestApp
{
    public const string Password = "tina-secret";

    public static readonly ClaimsPrincipal Tina = User("tina", LabRoles.Technician);

    public static readonly ClaimsPrincipal Max = User("max", LabRoles.Manager);

    public static readonly AggregateScenario<LabTask, TaskState> Tasks = AggregateScenario.For<LabTask, TaskState>(Configure);

    public static readonly AggregateScenario<Animal, AnimalState> Animals = AggregateScenario.For<Animal, AnimalState>(Configure);

    public static void Configure(TesseraBuilder builder) => builder
        .AddLab()
        .UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string> { ["tina"] = PasswordSignatureVerifier.HashPassword(Password, 1_000) }));

    public static CommandBus Bus(IEventStore store)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddTessera(Configure);
        return services.BuildServiceProvider().GetRequiredService<CommandBus>();
    }

    public static CommandContext As(ClaimsPrincipal user) => new() { User = user };

    public static CommandContext SignedBy(string meaning = "performed", string password = Password) =>
        As(Tina) with { Signature = new SignatureBlock("tina", meaning, password) };

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));
}

public sealed class ScheduleNewTaskTests
{
    private readonly InMemoryEventStore _store = new();

    [Fact]
    public async Task a_task_is_scheduled_for_a_registered_animal()
    {
        var bus = LabTestApp.Bus(_store);
        var animal = await RegisterAsync(bus);
        var result = await bus.SendAsync(new ScheduleNewTask(TaskId.New(), animal, "Weigh", new DateOnly(2026, 2, 1)), LabTestApp.As(LabTestApp.Tina));
        Assert.Equal(CommandStatus.Accepted, result.Status);
    }

    [Fact]
    public async Task a_task_for_an_unknown_animal_is_refused()
    {
        var result = await LabTestApp.Bus(_store).SendAsync(new ScheduleNewTask(TaskId.New(), AnimalId.New(), "Weigh", new DateOnly(2026, 2, 1)), LabTestApp.As(LabTestApp.Tina));
        Assert.Equal("task.animal-unknown", Assert.Single(result.Violations).Code);
    }

    [Fact]
    public async Task a_task_for_a_retired_animal_is_refused()
    {
        var bus = LabTestApp.Bus(_store);
        var animal = await RegisterAsync(bus);
        await bus.SendAsync(new RetireAnimal(animal, "Old age"), LabTestApp.As(LabTestApp.Max));
        var result = await bus.SendAsync(new ScheduleNewTask(TaskId.New(), animal, "Weigh", new DateOnly(2026, 2, 1)), LabTestApp.As(LabTestApp.Tina));
        Assert.Equal("task.animal-retired", Assert.Single(result.Violations).Code);
    }

    [Fact]
    public async Task a_task_needs_a_title()
    {
        var result = await LabTestApp.Bus(_store).SendAsync(new ScheduleNewTask(TaskId.New(), AnimalId.New(), " ", new DateOnly(2026, 2, 1)), LabTestApp.As(LabTestApp.Tina));
        Assert.Equal("task.title-missing", Assert.Single(result.Violations).Code);
    }

    private static async Task<AnimalId> RegisterAsync(CommandBus bus)
    {
        var id = AnimalId.New();
        Assert.True((await bus.SendAsync(new RegisterAnimal(id, "Rex", "Rat"), LabTestApp.As(LabTestApp.Max))).IsAccepted);
        return id;
    }
}

public sealed class CompleteTaskTests
{
    private static readonly TaskId Id = TaskId.New();
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskScheduled Scheduled = new(Id, AnimalId.New(), "Weigh", new DateOnly(2026, 2, 1), Now);

    [Fact]
    public void completing_a_scheduled_task_completes_it() =>
        LabTestApp.Tasks.Given(Scheduled).When(new CompleteTask(Id, "120 g")).Then(new TaskCompleted(Id, "120 g", Now));

    [Fact]
    public void completing_twice_is_refused() =>
        LabTestApp.Tasks.Given(Scheduled, new TaskCompleted(Id, "120 g", Now)).When(new CompleteTask(Id, "121 g")).ThenViolates("task.already-completed");

    [Fact]
    public void completing_a_cancelled_task_is_refused() =>
        LabTestApp.Tasks.Given(Scheduled, new TaskCancelled(Id, "Animal moved", Now)).When(new CompleteTask(Id, "120 g")).ThenViolates("task.cancelled");

    [Fact]
    public void a_completed_task_has_the_completed_status()
    {
        var outcome = LabTestApp.Tasks.Given(Scheduled).When(new CompleteTask(Id, "120 g")).Then(new TaskCompleted(Id, "120 g", Now));
        Assert.Equal(TaskStatus.Completed, outcome.State.Status);
    }

    [Fact]
    public async Task completing_needs_an_electronic_signature_with_an_allowed_meaning_and_records_it()
    {
        var store = new InMemoryEventStore();
        var bus = LabTestApp.Bus(store);
        var animal = AnimalId.New();
        await bus.SendAsync(new RegisterAnimal(animal, "Rex", "Rat"), LabTestApp.As(LabTestApp.Max));
        var task = TaskId.New();
        await bus.SendAsync(new ScheduleNewTask(task, animal, "Weigh", new DateOnly(2026, 2, 1)), LabTestApp.As(LabTestApp.Tina));
        var complete = new CompleteTask(task, "120 g");

        Assert.Equal(CommandStatus.SignatureRequired, (await bus.SendAsync(complete, LabTestApp.As(LabTestApp.Tina))).Status);
        Assert.Equal(CommandStatus.SignatureRejected, (await bus.SendAsync(complete, LabTestApp.SignedBy(password: "wrong"))).Status);
        Assert.Equal(CommandStatus.SignatureRejected, (await bus.SendAsync(complete, LabTestApp.SignedBy(meaning: "liked"))).Status);
        var accepted = await bus.SendAsync(complete, LabTestApp.SignedBy());

        Assert.Equal(CommandStatus.Accepted, accepted.Status);
        var completed = (await store.ReadStreamAsync(StreamName.For(LabTask.StreamCategory, task), accepted.StreamVersion, ReadDirection.Forwards, 1)).Events.Single();
        Assert.Equal("lab.task-completed.v1", completed.Type);
        Assert.Equal(("tina", "performed"), (completed.Metadata.Signature!.Signer, completed.Metadata.Signature.Meaning));
    }
}

public sealed class CancelTaskTests
{
    private static readonly TaskId Id = TaskId.New();
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskScheduled Scheduled = new(Id, AnimalId.New(), "Weigh", new DateOnly(2026, 2, 1), Now);

    [Fact]
    public void cancelling_an_open_task_cancels_it() =>
        LabTestApp.Tasks.Given(Scheduled).When(new CancelTask(Id, "Animal moved")).Then(new TaskCancelled(Id, "Animal moved", Now));

    [Fact]
    public void cancelling_a_completed_task_is_refused() =>
        LabTestApp.Tasks.Given(Scheduled, new TaskCompleted(Id, "120 g", Now)).When(new CancelTask(Id, "Oops")).ThenViolates("task.already-completed");

    [Fact]
    public void cancelling_a_task_that_does_not_exist_is_not_found() =>
        LabTestApp.Tasks.Given().When(new CancelTask(Id, "Oops")).ThenFails(CommandStatus.NotFound);
}

public sealed class AnimalTests
{
    private static readonly AnimalId Id = AnimalId.New();
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void registering_an_animal_registers_it() =>
        LabTestApp.Animals.Given().When(new RegisterAnimal(Id, " Rex ", "Rat")).Then(new AnimalRegistered(Id, "Rex", "Rat", Now));

    [Fact]
    public void an_animal_needs_a_name_and_a_species() =>
        LabTestApp.Animals.Given().When(new RegisterAnimal(Id, "", " ")).ThenViolates("animal.name-missing", "animal.species-missing");

    [Fact]
    public void retiring_twice_is_refused() =>
        LabTestApp.Animals.Given(new AnimalRegistered(Id, "Rex", "Rat", Now), new AnimalRetired(Id, "Old age", Now)).When(new RetireAnimal(Id, "Again")).ThenViolates("animal.retired");
}

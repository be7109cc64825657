using Tessera.Aggregates;
using Tessera.Messages;

namespace Lab.Animals;

/// <summary>Registers an animal in the lab.</summary>
public sealed record RegisterAnimal(AnimalId Id, string Name, string Species) : ICommand<AnimalId>;

/// <summary>Retires an animal: no new tasks are scheduled for it.</summary>
public sealed record RetireAnimal(AnimalId Id, string Reason) : ICommand<AnimalId>;

/// <summary>An animal was registered.</summary>
public sealed record AnimalRegistered(AnimalId Id, string Name, string Species, DateTimeOffset RegisteredAt) : IEvent<AnimalId>;

/// <summary>An animal was retired.</summary>
public sealed record AnimalRetired(AnimalId Id, string Reason, DateTimeOffset RetiredAt) : IEvent<AnimalId>;

/// <summary>What an animal's decisions need to know.</summary>
public sealed record AnimalState
{
    /// <summary>True once retired.</summary>
    public bool Retired { get; init; }

    /// <summary>Applies AnimalRegistered.</summary>
    public AnimalState When(AnimalRegistered e) => this;

    /// <summary>Applies AnimalRetired.</summary>
    public AnimalState When(AnimalRetired e) => this with { Retired = true };
}

/// <summary>A lab animal.</summary>
public sealed class Animal : Aggregate<AnimalId, AnimalState>
{
    /// <summary>The stream category of animals.</summary>
    public const string StreamCategory = "animal";

    /// <summary>Registers the animal.</summary>
    public void When(RegisterAnimal command) => Raise(new AnimalRegistered(command.Id, command.Name.Trim(), command.Species.Trim(), Now));

    /// <summary>Retires the animal.</summary>
    public void When(RetireAnimal command) => Raise(new AnimalRetired(command.Id, command.Reason, Now));
}

/// <summary>The business rules of animals.</summary>
public static class AnimalRules
{
    /// <summary>Rules on RegisterAnimal alone.</summary>
    public static readonly Rule<RegisterAnimal>[] Register =
    [
        Rule.For<RegisterAnimal>("animal.name-missing", "An animal needs a name.", c => !string.IsNullOrWhiteSpace(c.Name), "name"),
        Rule.For<RegisterAnimal>("animal.species-missing", "An animal needs a species.", c => !string.IsNullOrWhiteSpace(c.Species), "species"),
    ];

    /// <summary>Rules on retiring, given the animal's state.</summary>
    public static readonly Rule<AnimalState, RetireAnimal>[] Retire =
    [
        Rule.For<AnimalState, RetireAnimal>("animal.retired", "The animal is already retired.", (s, _) => !s.Retired),
    ];
}

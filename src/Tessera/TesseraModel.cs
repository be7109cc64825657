using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera;

/// <summary>What the application declared through <see cref="TesseraBuilder"/>; compiled and checked once at start-up.</summary>
internal sealed class TesseraModel(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    public TesseraOptions Options { get; } = new();

    public List<string> Errors { get; } = [];

    public List<KeyValuePair<string, Type>> Events { get; } = [];

    public List<CommandDescriptor> Commands { get; } = [];

    public List<AggregateType> Aggregates { get; } = [];

    public List<Type> HandledCommands { get; } = [];

    public List<(Type StepType, CommandStage Before)> Steps { get; } = [];

    public List<IJsonTypeInfoResolver> JsonResolvers { get; } = [];

    public List<(Type Type, ProjectionMode Mode)> Projections { get; } = [];

    public List<QueryDescriptor> Queries { get; } = [];

    public List<Type> HandledQueries { get; } = [];

    /// <summary>The checked read side, set by <see cref="Compile"/>.</summary>
    public CompiledReadSide? ReadSide { get; private set; }

    /// <summary>Checks everything declared and throws one <see cref="TesseraConfigurationException"/> listing every problem.</summary>
    public CompiledModel Compile()
    {
        var errors = new List<string>(Errors);
        var registry = EventTypeRegistry.Create(Events, errors);
        var serializer = new MessageSerializer(registry, JsonResolvers);
        foreach (var type in registry.Types)
        {
            if (!serializer.CanSerialize(type))
            {
                errors.Add($"No registered JSON context covers the event {type.Name}; add it to a JsonSerializerContext passed to builder.AddJson.");
            }
        }
        CheckCommands(serializer, errors);
        CheckAggregates(registry, serializer, errors);
        ReadSide = ReadSideCheck.Check(this, registry, errors);
        if (!Services.Any(s => s.ServiceType == typeof(IEventStore)))
        {
            errors.Add("No event store is configured; use the embedded store, PostgreSQL, or builder.UseInMemoryStore() for tests.");
        }
        if (errors.Count > 0)
        {
            throw new TesseraConfigurationException(errors);
        }
        return new CompiledModel(registry, serializer, Commands, Aggregates);
    }

    private void CheckCommands(MessageSerializer serializer, List<string> errors)
    {
        var names = new Dictionary<string, Type>(StringComparer.Ordinal);
        var hasVerifier = Services.Any(s => s.ServiceType == typeof(ISignatureVerifier));
        foreach (var command in Commands)
        {
            if (names.TryGetValue(command.Name, out var other))
            {
                errors.Add($"The command name '{command.Name}' is given to both {other.Name} and {command.CommandType.Name}.");
            }
            names[command.Name] = command.CommandType;
            var handlers = command.CountHandlers(Services);
            if (handlers == 0)
            {
                errors.Add($"{command.CommandType.Name} ('{command.Name}') has no handler.");
            }
            else if (handlers > 1)
            {
                errors.Add($"{command.CommandType.Name} ('{command.Name}') has {handlers} handlers; it needs exactly one.");
            }
            if (!serializer.CanSerialize(command.CommandType))
            {
                errors.Add($"No registered JSON context covers the command {command.CommandType.Name}.");
            }
            if (command.RequiresSignature && !hasVerifier)
            {
                errors.Add($"{command.CommandType.Name} requires an electronic signature, but no ISignatureVerifier is registered (builder.UseSignatureVerifier).");
            }
            command.Target = FindTarget(command, errors);
        }
        var declared = Commands.Select(c => c.CommandType).ToHashSet();
        foreach (var handled in HandledCommands.Distinct())
        {
            if (!declared.Contains(handled))
            {
                errors.Add($"{handled.Name} has a handler but is not declared; declare it with builder.Command<{handled.Name}>(\"...\").");
            }
        }
    }

    private CommandTarget? FindTarget(CommandDescriptor command, List<string> errors)
    {
        if (command.TargetIdType is null)
        {
            return null;
        }
        var owners = Aggregates.Where(a => a.IdType == command.TargetIdType).ToList();
        if (owners.Count > 1)
        {
            errors.Add($"{command.TargetIdType.Name} is the id of several aggregates ({string.Join(", ", owners.Select(o => o.ClrType.Name))}); an id type names one aggregate.");
        }
        if (owners.Count != 1)
        {
            return null;
        }
        var targetType = typeof(CommandTarget<,>).MakeGenericType(command.CommandType, command.TargetIdType);
        return (CommandTarget)Activator.CreateInstance(targetType, owners[0].Category)!;
    }

    private void CheckAggregates(EventTypeRegistry registry, MessageSerializer serializer, List<string> errors)
    {
        foreach (var group in Aggregates.GroupBy(a => a.Category, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"The stream category '{group.Key}' is used by several aggregates: {string.Join(", ", group.Select(a => a.ClrType.Name))}.");
        }
        foreach (var aggregate in Aggregates)
        {
            aggregate.Validate(registry, serializer, errors);
        }
    }
}

/// <summary>The checked model the runtime services are built from.</summary>
internal sealed record CompiledModel(
    EventTypeRegistry Registry,
    MessageSerializer Serializer,
    IReadOnlyCollection<CommandDescriptor> Commands,
    IReadOnlyCollection<AggregateType> Aggregates);

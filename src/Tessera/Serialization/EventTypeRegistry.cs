using System.Collections.Frozen;

namespace Tessera.Serialization;

/// <summary>Maps stable event type names to CLR types and back; built once at start-up, refusing duplicates.</summary>
public sealed class EventTypeRegistry
{
    private readonly FrozenDictionary<string, Type> _byName;
    private readonly FrozenDictionary<Type, string> _byType;

    private EventTypeRegistry(FrozenDictionary<string, Type> byName, FrozenDictionary<Type, string> byType)
    {
        _byName = byName;
        _byType = byType;
    }

    /// <summary>Every registered event type.</summary>
    public IReadOnlyCollection<Type> Types => _byType.Keys;

    /// <summary>Builds a registry; every duplicate name, duplicate type or malformed name goes into <paramref name="errors"/>.</summary>
    internal static EventTypeRegistry Create(IEnumerable<KeyValuePair<string, Type>> entries, List<string> errors)
    {
        var byName = new Dictionary<string, Type>(StringComparer.Ordinal);
        var byType = new Dictionary<Type, string>();
        foreach (var (name, type) in entries)
        {
            if (!IsValidName(name))
            {
                errors.Add($"Event type {type.Name} has the name '{name}'; a name is 1 to 200 characters with no spaces or control characters.");
                continue;
            }
            if (byName.TryGetValue(name, out var other))
            {
                errors.Add($"The event name '{name}' is given to both {other.Name} and {type.Name}.");
                continue;
            }
            if (byType.TryGetValue(type, out var otherName))
            {
                errors.Add($"Event type {type.Name} is registered twice, as '{otherName}' and '{name}'.");
                continue;
            }
            byName.Add(name, type);
            byType.Add(type, name);
        }
        return new EventTypeRegistry(byName.ToFrozenDictionary(StringComparer.Ordinal), byType.ToFrozenDictionary());
    }

    /// <summary>The stable name of a registered event type.</summary>
    public string GetName(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new UnknownEventTypeException($"Event type {type.FullName} has no registered name; register it with builder.Events.Add<{type.Name}>(\"...\").");

    /// <summary>Finds the name of a type, if registered.</summary>
    public bool TryGetName(Type type, out string name) => _byType.TryGetValue(type, out name!);

    /// <summary>The CLR type registered under a stable name.</summary>
    public Type GetType(string name) =>
        _byName.TryGetValue(name, out var type)
            ? type
            : throw new UnknownEventTypeException($"No event type is registered under the name '{name}'.");

    /// <summary>Finds the type registered under a name, if any.</summary>
    public bool TryGetType(string name, out Type type) => _byName.TryGetValue(name, out type!);

    internal static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>An event type or name that the registry does not know.</summary>
public sealed class UnknownEventTypeException : Exception
{
    /// <summary>Creates the exception with a message naming the type or name.</summary>
    public UnknownEventTypeException(string message)
        : base(message)
    {
    }
}

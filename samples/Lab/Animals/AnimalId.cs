using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Lab.Animals;

/// <summary>The id of a lab animal.</summary>
[JsonConverter(typeof(IdentityJsonConverter<AnimalId>))]
public readonly record struct AnimalId(Guid Value) : IIdentity<AnimalId>
{
    /// <summary>A new, time-ordered id.</summary>
    public static AnimalId New() => new(Guid.CreateVersion7());

    /// <summary>Reads the id from its string form.</summary>
    public static bool TryParse(string? value, out AnimalId id)
    {
        var valid = Guid.TryParse(value, out var guid) && guid != Guid.Empty;
        id = new AnimalId(guid);
        return valid;
    }

    /// <summary>Writes the id's string form.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Shop.Categories;

/// <summary>The id of a product category.</summary>
[JsonConverter(typeof(IdentityJsonConverter<CategoryId>))]
public readonly record struct CategoryId(Guid Value) : IIdentity<CategoryId>
{
    /// <summary>A new, time-ordered id.</summary>
    public static CategoryId New() => new(Guid.CreateVersion7());

    /// <summary>Reads the id from its string form.</summary>
    public static bool TryParse(string? value, out CategoryId id)
    {
        var valid = Guid.TryParse(value, out var guid) && guid != Guid.Empty;
        id = new CategoryId(guid);
        return valid;
    }

    /// <summary>Writes the id's string form.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Shop.Products;

/// <summary>The id of a product.</summary>
[JsonConverter(typeof(IdentityJsonConverter<ProductId>))]
public readonly record struct ProductId(Guid Value) : IIdentity<ProductId>
{
    /// <summary>A new, time-ordered id.</summary>
    public static ProductId New() => new(Guid.CreateVersion7());

    /// <summary>Reads the id from its string form.</summary>
    public static bool TryParse(string? value, out ProductId id)
    {
        var valid = Guid.TryParse(value, out var guid) && guid != Guid.Empty;
        id = new ProductId(guid);
        return valid;
    }

    /// <summary>Writes the id's string form.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

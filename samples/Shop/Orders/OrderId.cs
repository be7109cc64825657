using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Shop.Orders;

/// <summary>The id of an order.</summary>
[JsonConverter(typeof(IdentityJsonConverter<OrderId>))]
public readonly record struct OrderId(Guid Value) : IIdentity<OrderId>
{
    /// <summary>A new, time-ordered id.</summary>
    public static OrderId New() => new(Guid.CreateVersion7());

    /// <summary>Reads the id from its string form.</summary>
    public static bool TryParse(string? value, out OrderId id)
    {
        var valid = Guid.TryParse(value, out var guid) && guid != Guid.Empty;
        id = new OrderId(guid);
        return valid;
    }

    /// <summary>Writes the id's string form.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

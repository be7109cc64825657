using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Shop.Orders;

/// <summary>The id of a customer: their user name, 1 to 100 characters without spaces.</summary>
[JsonConverter(typeof(IdentityJsonConverter<CustomerId>))]
public readonly record struct CustomerId : IIdentity<CustomerId>
{
    private CustomerId(string value) => Value = value;

    /// <summary>The user name.</summary>
    public string Value { get; }

    /// <summary>The customer id of a user name; throws a FormatException for an invalid one.</summary>
    public static CustomerId From(string userName) => Identity.Parse<CustomerId>(userName);

    /// <summary>Reads a customer id; false for an empty, over-long or spaced name.</summary>
    public static bool TryParse(string? value, out CustomerId id)
    {
        var valid = !string.IsNullOrEmpty(value) && value.Length <= 100 && !value.Any(char.IsWhiteSpace);
        id = valid ? new CustomerId(value!) : default;
        return valid;
    }

    /// <summary>Writes the user name.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Identity.TryCopy(Value, destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

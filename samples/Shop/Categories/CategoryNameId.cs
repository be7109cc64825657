using System.Text;
using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Shop.Categories;

/// <summary>A category name in its normalized form (trimmed, lower case, single spaces): two names that normalize alike are the same name.</summary>
[JsonConverter(typeof(IdentityJsonConverter<CategoryNameId>))]
public readonly record struct CategoryNameId : IIdentity<CategoryNameId>
{
    private CategoryNameId(string value) => Value = value;

    /// <summary>The normalized name.</summary>
    public string Value { get; }

    /// <summary>The id of a category name as people type it.</summary>
    public static CategoryNameId For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = new StringBuilder(name.Length);
        foreach (var word in name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            normalized.Append(normalized.Length > 0 ? " " : string.Empty).Append(word.ToLowerInvariant());
        }
        return TryParse(normalized.ToString(), out var id) ? id : throw new ArgumentException($"'{name}' is not a valid category name.", nameof(name));
    }

    /// <summary>Reads an already normalized name.</summary>
    public static bool TryParse(string? value, out CategoryNameId id)
    {
        var valid = !string.IsNullOrEmpty(value) && value.Length <= CategoryRules.MaxNameLength && value == value.Trim();
        id = valid ? new CategoryNameId(value!) : default;
        return valid;
    }

    /// <summary>Writes the normalized name.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Identity.TryCopy(Value, destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

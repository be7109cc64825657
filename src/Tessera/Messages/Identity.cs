namespace Tessera.Messages;

/// <summary>Helpers for typed ids: the stable string form and parsing with a clear error.</summary>
public static class Identity
{
    /// <summary>The longest string form an id may have.</summary>
    public const int MaxLength = 200;

    /// <summary>Returns the id's stable string form.</summary>
    public static string Format<TId>(TId id)
        where TId : struct, IIdentity
    {
        Span<char> buffer = stackalloc char[MaxLength];
        if (!id.TryFormat(buffer, out var written) || written == 0)
        {
            throw new FormatException($"{typeof(TId).Name} has no string form of 1 to {MaxLength} characters.");
        }
        return new string(buffer[..written]);
    }

    /// <summary>Writes a string-valued id's text into <paramref name="destination"/>: the usual TryFormat of an id that wraps a string.</summary>
    public static bool TryCopy(string? value, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (string.IsNullOrEmpty(value) || !value.AsSpan().TryCopyTo(destination))
        {
            return false;
        }
        charsWritten = value.Length;
        return true;
    }

    /// <summary>Parses an id, throwing a <see cref="FormatException"/> that names the id type when the text is not valid.</summary>
    public static TId Parse<TId>(string? value)
        where TId : struct, IIdentity<TId> =>
        TId.TryParse(value, out var id)
            ? id
            : throw new FormatException($"'{value}' is not a valid {typeof(TId).Name}.");
}

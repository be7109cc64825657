using Tessera.Messages;

namespace Tessera.Storage;

/// <summary>The name of one event stream, "{category}-{id}" for aggregates.</summary>
public readonly record struct StreamName
{
    /// <summary>The longest stream name a store accepts, in characters.</summary>
    public const int MaxLength = 400;

    /// <summary>Creates a stream name, refusing empty, blank, over-long or control-character names.</summary>
    public StreamName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("A stream name cannot be empty or blank.", nameof(value));
        }
        // A stream's lifecycle metadata lives in "$$" + its name, which may be two characters longer.
        if (value.Length > (value.StartsWith("$$", StringComparison.Ordinal) ? MaxLength + 2 : MaxLength))
        {
            throw new ArgumentException($"A stream name has at most {MaxLength} characters; this one has {value.Length}.", nameof(value));
        }
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("A stream name cannot contain control characters.", nameof(value));
            }
        }
        Value = value;
    }

    /// <summary>The stream name text.</summary>
    public string Value { get; }

    /// <summary>The part before the first '-', which names the aggregate type for aggregate streams.</summary>
    public string Category
    {
        get
        {
            var dash = Value.IndexOf('-', StringComparison.Ordinal);
            return dash < 0 ? Value : Value[..dash];
        }
    }

    /// <summary>The stream of the aggregate with this category and id.</summary>
    public static StreamName For<TId>(string category, TId id)
        where TId : IIdentity
    {
        Span<char> buffer = stackalloc char[MaxLength];
        var length = Format(category, id, buffer);
        return new StreamName(new string(buffer[..length]));
    }

    /// <summary>Writes "{category}-{id}" into <paramref name="destination"/> and returns its length.</summary>
    internal static int Format<TId>(string category, TId id, Span<char> destination)
        where TId : IIdentity
    {
        ArgumentNullException.ThrowIfNull(id);
        if (category.Length + 2 > destination.Length)
        {
            throw new ArgumentException($"The category '{category}' is too long for a stream name.", nameof(category));
        }
        category.CopyTo(destination);
        destination[category.Length] = '-';
        var rest = destination[(category.Length + 1)..];
        if (!id.TryFormat(rest, out var written) || written == 0)
        {
            throw new FormatException($"{typeof(TId).Name} has no string form that fits a stream name.");
        }
        return category.Length + 1 + written;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

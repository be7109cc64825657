namespace Tessera.Storage;

/// <summary>The 0-based version of an event within its stream.</summary>
public readonly record struct StreamVersion(long Value) : IComparable<StreamVersion>
{
    /// <summary>The version a stream has before its first event.</summary>
    public static readonly StreamVersion None = new(-1);

    /// <summary>The version of a stream's first event.</summary>
    public static readonly StreamVersion Start = new(0);

    /// <summary>Reading backwards from here starts at the stream's last event.</summary>
    public static readonly StreamVersion End = new(long.MaxValue);

    /// <summary>The next version after this one.</summary>
    public StreamVersion Next => new(Value + 1);

    /// <inheritdoc />
    public int CompareTo(StreamVersion other) => Value.CompareTo(other.Value);

    /// <summary>Compares versions.</summary>
    public static bool operator <(StreamVersion a, StreamVersion b) => a.Value < b.Value;

    /// <summary>Compares versions.</summary>
    public static bool operator >(StreamVersion a, StreamVersion b) => a.Value > b.Value;

    /// <summary>Compares versions.</summary>
    public static bool operator <=(StreamVersion a, StreamVersion b) => a.Value <= b.Value;

    /// <summary>Compares versions.</summary>
    public static bool operator >=(StreamVersion a, StreamVersion b) => a.Value >= b.Value;

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

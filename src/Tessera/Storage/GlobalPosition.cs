namespace Tessera.Storage;

/// <summary>The position of an event in the store's whole log; positions strictly increase in commit order.</summary>
public readonly record struct GlobalPosition(long Value) : IComparable<GlobalPosition>
{
    /// <summary>The position before the first event: reading after it reads everything.</summary>
    public static readonly GlobalPosition Start = new(0);

    /// <inheritdoc />
    public int CompareTo(GlobalPosition other) => Value.CompareTo(other.Value);

    /// <summary>Compares positions.</summary>
    public static bool operator <(GlobalPosition a, GlobalPosition b) => a.Value < b.Value;

    /// <summary>Compares positions.</summary>
    public static bool operator >(GlobalPosition a, GlobalPosition b) => a.Value > b.Value;

    /// <summary>Compares positions.</summary>
    public static bool operator <=(GlobalPosition a, GlobalPosition b) => a.Value <= b.Value;

    /// <summary>Compares positions.</summary>
    public static bool operator >=(GlobalPosition a, GlobalPosition b) => a.Value >= b.Value;

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

namespace Tessera.Messages;

/// <summary>A typed aggregate id with a stable string form, used in stream names and on the wire.</summary>
public interface IIdentity
{
    /// <summary>Writes the id's stable string form into <paramref name="destination"/> without allocating.</summary>
    bool TryFormat(Span<char> destination, out int charsWritten);
}

/// <summary>A typed id that can also be read back from its stable string form.</summary>
public interface IIdentity<TSelf> : IIdentity
    where TSelf : struct, IIdentity<TSelf>
{
    /// <summary>Reads an id from its stable string form; false when the text is not a valid id.</summary>
    static abstract bool TryParse(string? value, out TSelf id);
}

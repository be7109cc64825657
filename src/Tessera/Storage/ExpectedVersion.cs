namespace Tessera.Storage;

/// <summary>What an append expects of the stream: anything, no stream yet, or an exact last version.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(ExpectedVersionKind kind, StreamVersion version)
    {
        Kind = kind;
        Version = version;
    }

    /// <summary>Append whatever the stream holds.</summary>
    public static ExpectedVersion Any { get; } = new(ExpectedVersionKind.Any, StreamVersion.None);

    /// <summary>Append only if the stream has no events yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(ExpectedVersionKind.NoStream, StreamVersion.None);

    /// <summary>What is expected.</summary>
    public ExpectedVersionKind Kind { get; }

    /// <summary>The expected last version, when <see cref="Kind"/> is <see cref="ExpectedVersionKind.Exact"/>.</summary>
    public StreamVersion Version { get; }

    /// <summary>Append only if the stream's last event has exactly this version.</summary>
    public static ExpectedVersion Exact(StreamVersion version) =>
        version.Value < 0
            ? throw new ArgumentOutOfRangeException(nameof(version), version.Value, "An exact expected version cannot be negative; use ExpectedVersion.NoStream for a new stream.")
            : new(ExpectedVersionKind.Exact, version);

    /// <summary>Append only if the stream's last event has exactly this version.</summary>
    public static ExpectedVersion Exact(long version) => Exact(new StreamVersion(version));

    /// <summary>The expectation that matches a stream whose last version is <paramref name="version"/>.</summary>
    public static ExpectedVersion From(StreamVersion version) => version == StreamVersion.None ? NoStream : Exact(version);

    /// <summary>Whether a stream whose last version is <paramref name="actual"/> meets this expectation.</summary>
    public bool IsMetBy(StreamVersion actual) => Kind switch
    {
        ExpectedVersionKind.Any => true,
        ExpectedVersionKind.NoStream => actual == StreamVersion.None,
        _ => actual == Version,
    };

    /// <inheritdoc />
    public override string ToString() => Kind == ExpectedVersionKind.Exact ? Version.ToString() : Kind.ToString();
}

/// <summary>The kinds of <see cref="ExpectedVersion"/>.</summary>
public enum ExpectedVersionKind
{
    /// <summary>No expectation.</summary>
    Any,

    /// <summary>The stream must not exist.</summary>
    NoStream,

    /// <summary>The stream's last version must match.</summary>
    Exact,
}

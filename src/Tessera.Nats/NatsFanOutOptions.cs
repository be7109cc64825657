namespace Tessera.Nats;

/// <summary>Settings of the JetStream fan-out: where the broker is and which stream carries the events.</summary>
public sealed class NatsFanOutOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Tessera:Nats";

    /// <summary>The NATS server URL; nats://127.0.0.1:4222 by default.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>The JetStream stream that holds the events; "TESSERA_EVENTS" by default.</summary>
    public string Stream { get; set; } = "TESSERA_EVENTS";

    /// <summary>The subject events are published on; "tessera.events" by default.</summary>
    public string Subject { get; set; } = "tessera.events";

    /// <summary>How many events the relay reads from the store at a time; 500 by default.</summary>
    public int BatchSize { get; set; } = 500;

    internal void Validate()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            problems.Add($"Url '{Url}' must be a nats:// URL");
        }
        if (string.IsNullOrWhiteSpace(Stream) || Stream.IndexOfAny([' ', '.', '*', '>', '/', '\\']) >= 0)
        {
            problems.Add($"Stream '{Stream}' must be a name without spaces, dots, wildcards or slashes");
        }
        if (string.IsNullOrWhiteSpace(Subject) || Subject.IndexOfAny([' ', '*', '>']) >= 0)
        {
            problems.Add($"Subject '{Subject}' must be a literal subject without spaces or wildcards");
        }
        if (BatchSize is < 1 or > 100_000)
        {
            problems.Add($"BatchSize must be from 1 to 100000, not {BatchSize}");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The NATS fan-out options are invalid: {string.Join("; ", problems)}.");
        }
    }
}

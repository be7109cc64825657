namespace Tessera.Messages;

/// <summary>What every stored event carries besides its data: who, when, why and under which signature.</summary>
public sealed record EventMetadata
{
    /// <summary>Ties together every message caused by one outside request.</summary>
    public Guid CorrelationId { get; init; }

    /// <summary>The id of the command that raised the event.</summary>
    public Guid CausationId { get; init; }

    /// <summary>The name of the user who sent the command, if known.</summary>
    public string? User { get; init; }

    /// <summary>When the command that raised the event was accepted for processing.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The verified electronic signature the command carried, if it required one.</summary>
    public SignatureRecord? Signature { get; init; }
}

namespace Tessera.Messages;

/// <summary>A verified electronic signature: who signed, what the signature means, when, and over which command.</summary>
public sealed record SignatureRecord(
    string Signer,
    string Meaning,
    DateTimeOffset SignedAt,
    string CommandHash,
    string Method);

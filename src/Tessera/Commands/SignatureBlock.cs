namespace Tessera.Commands;

/// <summary>An electronic signature as the sender supplies it: who signs, what it means, and the proof (a re-entered credential or a signature token).</summary>
public sealed record SignatureBlock(string Signer, string Meaning, string Credential);

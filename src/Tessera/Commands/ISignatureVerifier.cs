using System.Security.Claims;

namespace Tessera.Commands;

/// <summary>Checks an electronic signature's proof; the application supplies one when any command requires a signature.</summary>
public interface ISignatureVerifier
{
    /// <summary>Verifies the signature over the command with the given hash.</summary>
    ValueTask<SignatureVerification> VerifyAsync(SignatureRequest request, CancellationToken cancellationToken);
}

/// <summary>What a verifier checks: the supplied block, the sender, and the command it is bound to.</summary>
public sealed record SignatureRequest(SignatureBlock Signature, ClaimsPrincipal User, string CommandName, string CommandHash);

/// <summary>The verdict of an <see cref="ISignatureVerifier"/>.</summary>
public sealed record SignatureVerification
{
    private SignatureVerification(bool isValid, string detail)
    {
        IsValid = isValid;
        Detail = detail;
    }

    /// <summary>True when the proof holds.</summary>
    public bool IsValid { get; }

    /// <summary>The method used when valid (for the audit trail), the reason when rejected.</summary>
    public string Detail { get; }

    /// <summary>The proof holds; <paramref name="method"/> names how it was checked (for example "password").</summary>
    public static SignatureVerification Valid(string method) => new(true, method);

    /// <summary>The proof does not hold, for the given reason.</summary>
    public static SignatureVerification Rejected(string reason) => new(false, reason);
}

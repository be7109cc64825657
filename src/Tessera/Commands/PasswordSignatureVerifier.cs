using System.Security.Cryptography;
using System.Text;

namespace Tessera.Commands;

/// <summary>Verifies a signature whose credential is the signer's re-entered password, against PBKDF2 hashes the application keeps.</summary>
public sealed class PasswordSignatureVerifier : ISignatureVerifier
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int DefaultIterations = 100_000;
    private readonly IReadOnlyDictionary<string, string> _hashes;

    /// <summary>Creates the verifier over a map of user name to password hash made by <see cref="HashPassword"/>.</summary>
    public PasswordSignatureVerifier(IReadOnlyDictionary<string, string> passwordHashes)
    {
        ArgumentNullException.ThrowIfNull(passwordHashes);
        _hashes = passwordHashes;
    }

    /// <summary>Hashes a password as "pbkdf2-sha256${iterations}${salt}${hash}" (base64 parts).</summary>
    public static string HashPassword(string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <inheritdoc />
    public ValueTask<SignatureVerification> VerifyAsync(SignatureRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var valid = _hashes.TryGetValue(request.Signature.Signer, out var stored) && Matches(request.Signature.Credential, stored);
        // One message for an unknown signer and a wrong password, so the reply does not reveal which user names exist.
        return ValueTask.FromResult(valid
            ? SignatureVerification.Valid("password")
            : SignatureVerification.Rejected("The signer's password is not correct."));
    }

    private static bool Matches(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations) || iterations < 1)
        {
            return false;
        }
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Tessera.Commands;

namespace Tessera.AspNetCore.WriteApi;

/// <summary>
/// Signature tokens: after the signer's password is checked at POST /signatures/challenge, the host issues a short-lived,
/// single-use token bound to the signer, the meaning and the hash of the exact command; a command then signs with the
/// token instead of the password. Any other credential goes to the application's own verifier.
/// </summary>
internal sealed class SignatureTokens : ISignatureVerifier
{
    public const string CredentialPrefix = "sigtoken:";
    private readonly ISignatureVerifier _passwords;
    private readonly byte[] _secret;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public SignatureTokens(ISignatureVerifier passwords, IOptions<TesseraApiOptions> options, TimeProvider time)
    {
        _passwords = passwords;
        _secret = string.IsNullOrEmpty(options.Value.SignatureTokenSecret) ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(options.Value.SignatureTokenSecret);
        _lifetime = options.Value.SignatureTokenLifetime;
        _time = time;
    }

    /// <summary>The application's verifier, which checks passwords at the challenge.</summary>
    public ISignatureVerifier Passwords => _passwords;

    public (string Token, DateTimeOffset ExpiresAt) Issue(string signer, string meaning, string commandHash)
    {
        var expires = _time.GetUtcNow() + _lifetime;
        var claims = new TokenClaims(signer, meaning, commandHash, expires.ToUnixTimeMilliseconds(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims, TokenJsonContext.Default.TokenClaims);
        return ($"v1.{Base64Url(payload)}.{Base64Url(HMACSHA256.HashData(_secret, payload))}", expires);
    }

    public ValueTask<SignatureVerification> VerifyAsync(SignatureRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var credential = request.Signature.Credential;
        return credential.StartsWith(CredentialPrefix, StringComparison.Ordinal)
            ? ValueTask.FromResult(VerifyToken(credential[CredentialPrefix.Length..], request))
            : _passwords.VerifyAsync(request, cancellationToken);
    }

    private SignatureVerification VerifyToken(string token, SignatureRequest request)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != "v1" || !TryBase64Url(parts[1], out var payload) || !TryBase64Url(parts[2], out var mac)
            || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_secret, payload)))
        {
            return SignatureVerification.Rejected("The signature token is not valid.");
        }
        var claims = JsonSerializer.Deserialize(payload, TokenJsonContext.Default.TokenClaims)!;
        var now = _time.GetUtcNow();
        if (now.ToUnixTimeMilliseconds() > claims.ExpiresAt)
        {
            return SignatureVerification.Rejected("The signature token has expired; ask for a new challenge.");
        }
        if (claims.Signer != request.Signature.Signer || claims.Meaning != request.Signature.Meaning)
        {
            return SignatureVerification.Rejected("The signature token was issued to another signer or for another meaning.");
        }
        if (claims.CommandHash != request.CommandHash)
        {
            return SignatureVerification.Rejected("The signature token was issued for a different command; a changed payload needs a new signature.");
        }
        if (!_used.TryAdd(claims.Nonce, DateTimeOffset.FromUnixTimeMilliseconds(claims.ExpiresAt)))
        {
            return SignatureVerification.Rejected("The signature token was already used.");
        }
        Prune(now);
        return SignatureVerification.Valid("password at challenge, then token");
    }

    private void Prune(DateTimeOffset now)
    {
        if (_used.Count < 1_000)
        {
            return;
        }
        foreach (var (nonce, expires) in _used)
        {
            if (expires < now)
            {
                _used.TryRemove(nonce, out _);
            }
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}

internal sealed record TokenClaims(
    [property: JsonPropertyName("s")] string Signer,
    [property: JsonPropertyName("m")] string Meaning,
    [property: JsonPropertyName("h")] string CommandHash,
    [property: JsonPropertyName("e")] long ExpiresAt,
    [property: JsonPropertyName("n")] string Nonce);

[JsonSerializable(typeof(TokenClaims))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;

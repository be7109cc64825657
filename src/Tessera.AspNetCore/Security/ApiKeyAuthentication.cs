using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera.AspNetCore.Security;

/// <summary>The keys the host accepts, looked up by the SHA-256 of what the client sends.</summary>
internal sealed class ApiKeyRing
{
    private readonly FrozenDictionary<string, ApiKeyOptions> _byHash;
    private readonly FrozenSet<string> _names;

    public ApiKeyRing(IEnumerable<ApiKeyOptions> keys)
    {
        var byHash = new Dictionary<string, ApiKeyOptions>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (string.IsNullOrWhiteSpace(key.Name) || string.IsNullOrWhiteSpace(key.User) || !key.Hash.StartsWith("sha256:", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"API key '{key.Name}' needs a name, a user and a hash of the form 'sha256:<hex>'.");
            }
            var unknown = key.Scopes.Except(TesseraScopes.All).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException($"API key '{key.Name}' has unknown scopes: {string.Join(", ", unknown)}.");
            }
            if (!byHash.TryAdd(key.Hash.ToLowerInvariant(), key))
            {
                throw new InvalidOperationException($"API key '{key.Name}' has the same hash as another key.");
            }
        }
        _byHash = byHash.ToFrozenDictionary(StringComparer.Ordinal);
        _names = byHash.Values.Select(k => k.Name).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Makes a new random key; the caller shows it once and stores only <see cref="Hash"/>.</summary>
    public static string NewKey() => "tsk_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a key.</summary>
    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>True while a key of this name is configured.</summary>
    public bool Has(string name) => _names.Contains(name);

    public ApiKeyOptions? Find(string presented) => presented.Length is > 0 and <= 200 ? _byHash.GetValueOrDefault(Hash(presented)) : null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates a request by its API key (header X-Api-Key, or Authorization: ApiKey &lt;key&gt;).</summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (keys.Find(presented) is not { } key)
        {
            // The key itself never reaches a log.
            LogUnknownKey(Logger);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(Claims(key), SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>The claims a request with this key carries: user, key name, scopes and roles.</summary>
    internal static List<Claim> Claims(ApiKeyOptions key)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, key.User), new(TesseraScopes.KeyClaimType, key.Name) };
        claims.AddRange(key.Scopes.Select(s => new Claim(TesseraScopes.ClaimType, s)));
        claims.AddRange(key.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return claims;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "ApiKey";
        return Problems.ProblemResults.Write(Context, StatusCodes.Status401Unauthorized, "Authentication required", "Send an API key in the X-Api-Key header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.ProblemResults.Write(Context, StatusCodes.Status403Forbidden, "Forbidden", "This API key does not have the scope this endpoint needs.");

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var header) && header.Count == 1)
        {
            return header[0];
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A request came with an unknown API key")]
    private static partial void LogUnknownKey(ILogger logger);
}

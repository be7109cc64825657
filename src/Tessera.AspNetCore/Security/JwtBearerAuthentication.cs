using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Tessera.AspNetCore.Security;

/// <summary>
/// JWT bearer tokens beside API keys, bound from "Tessera:Api:Jwt" and off unless set: tokens signed with the configured
/// public key (RSA or ECDSA, PEM), from the configured issuer for the configured audience, with scopes from a claim.
/// </summary>
public sealed class TesseraJwtOptions
{
    /// <summary>The issuer ("iss") a token must name.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The audience ("aud") a token must name.</summary>
    public string Audience { get; set; } = string.Empty;

    /// <summary>The issuer's public key in PEM ("-----BEGIN PUBLIC KEY-----"), RSA or ECDSA; no shared secrets.</summary>
    public string SigningKeyPem { get; set; } = string.Empty;

    /// <summary>The claim holding the token's scopes, space-separated or repeated (write, read, partner, admin).</summary>
    public string ScopeClaim { get; set; } = "scope";

    /// <summary>The claim holding the user name the token acts as.</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>The claim holding the user's application roles.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>How far the clocks of the issuer and the host may differ when checking expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Adds the JWT bearer scheme and turns a validated token into the same claims an API key gives.</summary>
internal static class JwtBearerAuthentication
{
    public const string SchemeName = "TesseraJwt";

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static bool IsBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public static AuthenticationBuilder AddTesseraJwt(this AuthenticationBuilder authentication, TesseraJwtOptions jwt)
    {
        var key = SigningKey(jwt);
        return authentication.AddJwtBearer(SchemeName, options =>
        {
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = jwt.Issuer,
                ValidAudience = jwt.Audience,
                IssuerSigningKey = key,
                ValidAlgorithms = Algorithms,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = jwt.ClockSkew,
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    context.Principal = Principal(context.Principal!, jwt);
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>The claims an API key would give: name, scopes (only Tessera's), roles, and a rate-limit partition per subject.</summary>
    internal static ClaimsPrincipal Principal(ClaimsPrincipal token, TesseraJwtOptions jwt)
    {
        var name = token.FindFirst(jwt.NameClaim)?.Value;
        if (string.IsNullOrWhiteSpace(name))
        {
            // No user to record in the events: the token proves nothing we can act on.
            return new ClaimsPrincipal(new ClaimsIdentity());
        }
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(TesseraScopes.KeyClaimType, "jwt:" + name) };
        var scopes = token.FindAll(jwt.ScopeClaim)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(s => TesseraScopes.All.Contains(s, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal);
        claims.AddRange(scopes.Select(s => new Claim(TesseraScopes.ClaimType, s)));
        claims.AddRange(token.FindAll(jwt.RoleClaim).Select(c => new Claim(ClaimTypes.Role, c.Value)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    private static AsymmetricSecurityKey SigningKey(TesseraJwtOptions jwt)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            missing.Add("Issuer");
        }
        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            missing.Add("Audience");
        }
        if (string.IsNullOrWhiteSpace(jwt.SigningKeyPem))
        {
            missing.Add("SigningKeyPem");
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Tessera:Api:Jwt is set but lacks {string.Join(", ", missing)}.");
        }
        // The key lives as long as the host: it is never disposed.
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(jwt.SigningKeyPem);
            return new RsaSecurityKey(rsa);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
        }
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(jwt.SigningKeyPem);
            return new ECDsaSecurityKey(ecdsa);
        }
        catch (ArgumentException e)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException("Tessera:Api:Jwt:SigningKeyPem is not an RSA or ECDSA public key in PEM.", e);
        }
    }
}

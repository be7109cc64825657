namespace Tessera.AspNetCore.Security;

/// <summary>The scopes an API key can hold, and the authorization policies of the same names.</summary>
public static class TesseraScopes
{
    /// <summary>Sends commands.</summary>
    public const string Write = "write";

    /// <summary>Runs queries.</summary>
    public const string Read = "read";

    /// <summary>Reaches the partner API only.</summary>
    public const string Partner = "partner";

    /// <summary>Operates the platform: projections, rebuilds, the console.</summary>
    public const string Admin = "admin";

    /// <summary>The claim type scopes are carried in.</summary>
    public const string ClaimType = "scope";

    /// <summary>The claim type naming the API key a request came with.</summary>
    public const string KeyClaimType = "tessera:key";

    internal static readonly string[] All = [Write, Read, Partner, Admin];
}

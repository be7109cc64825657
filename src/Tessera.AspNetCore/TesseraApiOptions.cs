namespace Tessera.AspNetCore;

/// <summary>Settings of the HTTP APIs, bound from the "Tessera:Api" configuration section.</summary>
public sealed class TesseraApiOptions
{
    /// <summary>The configuration section these options come from.</summary>
    public const string Section = "Tessera:Api";

    /// <summary>The largest request body accepted, in bytes; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The deepest JSON nesting accepted in a body.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>Requests per second each key may make on average (a token bucket); past it the reply is 429 with Retry-After.</summary>
    public int RequestsPerSecondPerKey { get; set; } = 1_000;

    /// <summary>The API keys, each stored as a hash with its scopes and the user and roles it acts as.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>When set, JWT bearer tokens from this issuer are accepted beside the API keys.</summary>
    public Security.TesseraJwtOptions? Jwt { get; set; }

    /// <summary>When set, a random key with every scope is made at start-up and printed, for trying the host out.</summary>
    public DevelopmentKeyOptions? DevelopmentKey { get; set; }

    /// <summary>The base64 secret that signs signature tokens; every write process must share it. Random per process when empty.</summary>
    public string? SignatureTokenSecret { get; set; }

    /// <summary>How long a signature token from POST /signatures/challenge stays valid.</summary>
    public TimeSpan SignatureTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>One API key: its name (for logs and rate limits), the SHA-256 of the key, its scopes, and who it acts as.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>A name for logs and rate limits; the key itself is never logged.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>"sha256:" and the lower-case hex SHA-256 of the key's UTF-8 text.</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>Which APIs the key reaches: write, read, partner, admin.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The user name the key acts as (stored in event metadata).</summary>
    public string User { get; set; } = string.Empty;

    /// <summary>The application roles of that user, checked by each command's authorization rules.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>This key's own rate, if it differs from the default.</summary>
    public int? RequestsPerSecond { get; set; }
}

/// <summary>The user and roles of the development key.</summary>
public sealed class DevelopmentKeyOptions
{
    /// <summary>The user name the development key acts as.</summary>
    public string User { get; set; } = "dev";

    /// <summary>The roles of that user.</summary>
    public List<string> Roles { get; set; } = [];
}

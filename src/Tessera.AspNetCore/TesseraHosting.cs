using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Admin;
using Tessera.AspNetCore.Health;
using Tessera.AspNetCore.Problems;
using Tessera.AspNetCore.ReadApi;
using Tessera.AspNetCore.Security;
using Tessera.AspNetCore.WriteApi;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.Storage;

namespace Tessera.AspNetCore;

/// <summary>The roles a host process can play.</summary>
[Flags]
public enum TesseraRoles
{
    /// <summary>Nothing but health.</summary>
    None = 0,

    /// <summary>The Write API.</summary>
    Write = 1,

    /// <summary>The Read API and the operator endpoints.</summary>
    Read = 2,

    /// <summary>The Partner API.</summary>
    Partner = 4,

    /// <summary>The sample's web site (pages for people, in-process on the buses).</summary>
    Web = 8,

    /// <summary>Every API and the web site in one process.</summary>
    All = Write | Read | Partner | Web,
}

/// <summary>Sets up a Tessera host: Kestrel on loopback, API keys and scopes, deny by default, limits, problem details.</summary>
public static class TesseraHosting
{
    /// <summary>Configures the host; call after <c>AddTessera</c>. Listens on 127.0.0.1:<paramref name="defaultPort"/> unless URLs are configured.</summary>
    public static WebApplicationBuilder AddTesseraHost(this WebApplicationBuilder builder, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(TesseraApiOptions.Section);
        var options = section.Get<TesseraApiOptions>() ?? new TesseraApiOptions();
        builder.Services.Configure<TesseraApiOptions>(section);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{defaultPort}");
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });

        var keys = new List<ApiKeyOptions>(options.Keys);
        if (options.DevelopmentKey is { } development)
        {
            var key = ApiKeyRing.NewKey();
            keys.Add(new ApiKeyOptions { Name = "development", Hash = ApiKeyRing.Hash(key), Scopes = [.. TesseraScopes.All], User = development.User, Roles = development.Roles });
            builder.Services.AddSingleton(new DevelopmentKey(key, development.User));
        }
        builder.Services.AddSingleton(new ApiKeyRing(keys));
        var authentication = builder.Services.AddAuthentication(BrowserSignIn.DefaultScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddBrowserSignIn(bearer: options.Jwt is not null);
        if (options.Jwt is { } jwt)
        {
            authentication.AddTesseraJwt(jwt);
        }
        builder.Services.AddAuthorizationBuilder()
            // Deny by default: an endpoint nobody remembered to protect still needs a key.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(TesseraScopes.Write, p => p.RequireClaim(TesseraScopes.ClaimType, TesseraScopes.Write))
            .AddPolicy(TesseraScopes.Read, p => p.RequireClaim(TesseraScopes.ClaimType, TesseraScopes.Read))
            .AddPolicy(TesseraScopes.Partner, p => p.RequireClaim(TesseraScopes.ClaimType, TesseraScopes.Partner))
            .AddPolicy(TesseraScopes.Admin, p => p.RequireClaim(TesseraScopes.ClaimType, TesseraScopes.Admin));
        builder.Services.AddRateLimiter(limiter =>
        {
            // The built-in limiter answers 503 unless told otherwise; a client over its rate gets 429 and when to retry.
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellationToken) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new ValueTask(ProblemResults.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests", "This API key is over its request rate; retry after the time in Retry-After."));
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var key = http.User.FindFirst(TesseraScopes.KeyClaimType)?.Value;
                if (key is null)
                {
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }
                var rate = keys.FirstOrDefault(k => k.Name == key)?.RequestsPerSecond ?? options.RequestsPerSecondPerKey;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, rate),
                    TokensPerPeriod = Math.Max(1, rate / 10),
                    ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<JsonBodyReader>();
        DecorateSignatureVerifier(builder.Services);
        builder.Services.AddHostedService<DevelopmentKeyBanner>();
        return builder;
    }

    /// <summary>Maps the APIs of the roles in "Tessera:Role" (write, read, partner or all; all by default) and health.</summary>
    public static WebApplication MapTessera(this WebApplication app, Action<IEndpointRouteBuilder>? partner = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var roles = ParseRoles(app.Configuration["Tessera:Role"]);
        app.UseExceptionHandler(error => error.Run(context =>
            // No exception text or stack trace ever leaves the host; a store that cannot serve (closing, failed, or absent on
            // a read host fed by NATS) is a 503 with a fixed reason, not a 500.
            context.Features.Get<IExceptionHandlerFeature>()?.Error is EventStoreUnavailableException
                ? ProblemResults.Write(context, StatusCodes.Status503ServiceUnavailable, "Event store unavailable", "This host's event store cannot serve the request. A read host fed by NATS (Tessera:ReadSource=Nats) has none: send commands and stream look-ups to a write host.")
                : ProblemResults.Write(context, StatusCodes.Status500InternalServerError, "Internal error", "The request failed; the host logged the details.")));
        app.UseStatusCodePages();
        app.UseCorrelation();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapTesseraHealth();
        app.MapOpenApi().RequireAuthorization();
        if (roles.HasFlag(TesseraRoles.Write))
        {
            app.MapWriteApi();
        }
        if (roles.HasFlag(TesseraRoles.Read) && app.Services.GetService<QueryBus>() is not null)
        {
            app.MapReadApi();
            app.MapProjectionEndpoints();
        }
        if (roles.HasFlag(TesseraRoles.Partner) && partner is not null)
        {
            partner(app);
        }
        return app;
    }

    /// <summary>Reads a role list such as "write", "read,partner" or "all".</summary>
    public static TesseraRoles ParseRoles(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TesseraRoles.All;
        }
        var roles = TesseraRoles.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= Enum.TryParse<TesseraRoles>(part, ignoreCase: true, out var role) && role != TesseraRoles.None
                ? role
                : throw new InvalidOperationException($"'{part}' is not a host role; use write, read, partner, web or all.");
        }
        return roles;
    }

    private static void DecorateSignatureVerifier(IServiceCollection services)
    {
        var existing = services.LastOrDefault(s => s.ServiceType == typeof(ISignatureVerifier));
        if (existing is null)
        {
            return;
        }
        services.Remove(existing);
        services.AddSingleton(sp => new SignatureTokens(Resolve(existing, sp), sp.GetRequiredService<IOptions<TesseraApiOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISignatureVerifier>(sp => sp.GetRequiredService<SignatureTokens>());
    }

    private static ISignatureVerifier Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        (ISignatureVerifier)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

/// <summary>The development key made at start-up, shown once.</summary>
internal sealed record DevelopmentKey(string Key, string User);

internal sealed class DevelopmentKeyBanner(IServiceProvider services) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<DevelopmentKey>() is { } key)
        {
            Console.WriteLine($"""

                ================================================================================
                 Development API key (every scope, acts as '{key.User}'); made for this run only:
                   {key.Key}
                 Use it as:  curl -H "X-Api-Key: {key.Key}" ...
                ================================================================================

                """);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

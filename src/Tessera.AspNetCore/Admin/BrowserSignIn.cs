using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Security;

namespace Tessera.AspNetCore.Admin;

/// <summary>
/// Browsers cannot send X-Api-Key, so pages sign in once with a pasted API key and get an HttpOnly, SameSite=Strict
/// cookie carrying that key's claims. APIs keep taking the key header: a policy scheme picks the key or the cookie.
/// </summary>
public static class BrowserSignIn
{
    /// <summary>The authentication scheme of the sign-in cookie.</summary>
    public const string CookieScheme = "TesseraCookie";

    /// <summary>The policy of pages that need a signed-in user with the write scope (the Shop web site).</summary>
    public const string WritePolicy = "browser:write";

    /// <summary>The policy of the admin console's pages: a signed-in user with the admin scope.</summary>
    public const string AdminPolicy = "browser:admin";

    /// <summary>Where the sign-in page is.</summary>
    public const string SignInPath = "/sign-in";

    internal const string DefaultScheme = "Tessera";
    internal const string CookieName = "tessera.auth";
    private const string SignOutPath = "/sign-out";

    /// <summary>Adds the cookie and the scheme that picks the API key or the cookie; called by AddTesseraHost.</summary>
    internal static AuthenticationBuilder AddBrowserSignIn(this AuthenticationBuilder authentication, bool bearer = false)
    {
        authentication.AddPolicyScheme(DefaultScheme, "API key, bearer token or sign-in cookie", options =>
            options.ForwardDefaultSelector = context =>
                // A request with a key or a token is an API call; only without either does the cookie count.
                bearer && JwtBearerAuthentication.IsBearer(context.Request) ? JwtBearerAuthentication.SchemeName
                : HasApiKey(context.Request) || !context.Request.Cookies.ContainsKey(CookieName) ? ApiKeyAuthenticationHandler.SchemeName
                : CookieScheme);
        authentication.AddCookie(CookieScheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = SignInPath;
            options.Events.OnRedirectToAccessDenied = context =>
            {
                // A clear 403 page in place, never a redirect that could be mistaken for the console.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return ConsolePage.WriteAsync(context.HttpContext, "Forbidden", ForbiddenBody(context.HttpContext), StatusCodes.Status403Forbidden, navigation: false);
            };
            options.Events.OnValidatePrincipal = context =>
            {
                // A key taken out of the configuration ends its browser sessions too.
                var ring = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
                if (context.Principal?.FindFirst(TesseraScopes.KeyClaimType)?.Value is not { } name || !ring.Has(name))
                {
                    context.RejectPrincipal();
                }
                return Task.CompletedTask;
            };
        });
        authentication.Services.AddAntiforgery(options => options.Cookie.Name = "tessera.antiforgery");
        authentication.Services.AddAuthorizationBuilder()
            .AddPolicy(WritePolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireClaim(TesseraScopes.ClaimType, TesseraScopes.Write))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireClaim(TesseraScopes.ClaimType, TesseraScopes.Admin));
        authentication.Services.AddSingleton<SignInMarker>();
        return authentication;
    }

    /// <summary>Maps the sign-in and sign-out pages and turns on antiforgery checks of forms; safe to call more than once.</summary>
    public static WebApplication MapTesseraSignIn(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var marker = app.Services.GetService<SignInMarker>()
            ?? throw new InvalidOperationException("Call builder.AddTesseraHost(...) before mapping the sign-in pages.");
        if (marker.Mapped)
        {
            return app;
        }
        marker.Mapped = true;
        app.UseAntiforgery();
        app.MapGet(SignInPath, SignInPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = CookieScheme }).ExcludeFromDescription();
        return app;
    }

    /// <summary>The hidden field that carries the antiforgery token; every form of the pages has one.</summary>
    internal static Html AntiforgeryField(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Html.Of($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    /// <summary>The sign-out button of a page's header.</summary>
    internal static Html SignOutForm(HttpContext context) =>
        Html.Of($"""<form method="post" action="{SignOutPath}" class="signout">{AntiforgeryField(context)}<span>{context.User.Identity?.Name}</span> <button type="submit">Sign out</button></form>""");

    private static bool HasApiKey(HttpRequest request) =>
        request.Headers.ContainsKey("X-Api-Key") || request.Headers.Authorization.ToString().StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase);

    private static Task SignInPage(HttpContext context, string? returnUrl) =>
        ConsolePage.WriteAsync(context, "Sign in", SignInForm(context, returnUrl, null), StatusCodes.Status200OK, navigation: false);

    private static async Task SignInAsync(HttpContext context, [FromForm] string? key, [FromForm] string? returnUrl, ApiKeyRing ring)
    {
        if (string.IsNullOrWhiteSpace(key) || ring.Find(key.Trim()) is not { } found)
        {
            await ConsolePage.WriteAsync(context, "Sign in", SignInForm(context, returnUrl, "This API key is not valid."), StatusCodes.Status401Unauthorized, navigation: false);
            return;
        }
        var identity = new ClaimsIdentity(ApiKeyAuthenticationHandler.Claims(found), CookieScheme, ClaimTypes.Name, ClaimTypes.Role);
        await context.SignInAsync(CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        context.Response.Redirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieScheme);
        context.Response.Redirect(SignInPath);
    }

    // Only a path on this host: an open redirect would let a link send a signed-in user anywhere.
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal);

    private static Html SignInForm(HttpContext context, string? returnUrl, string? error) => Html.Of($"""
        <section class="signin">
          <h1>Sign in</h1>
          <p>Paste an API key. The key stays on this host: it is checked once and a session cookie carries its scopes.</p>
          {(error is null ? Html.Empty : Html.Of($"""<p class="error" role="alert">{error}</p>"""))}
          <form method="post" action="{SignInPath}">
            {AntiforgeryField(context)}
            <input type="hidden" name="returnUrl" value="{returnUrl ?? "/"}">
            <label for="key">API key</label>
            <input id="key" name="key" type="password" autocomplete="off" required>
            <button type="submit">Sign in</button>
          </form>
        </section>
        """);

    private static Html ForbiddenBody(HttpContext context)
    {
        var user = context.User;
        var scopes = string.Join(", ", user.FindAll(TesseraScopes.ClaimType).Select(c => c.Value));
        return Html.Of($"""
            <section class="forbidden">
              <h1>403: not allowed</h1>
              <p>You are signed in as <strong>{user.Identity?.Name}</strong> with the scopes <strong>{(scopes.Length == 0 ? "none" : scopes)}</strong>.</p>
              <p>This page needs a key with another scope (the admin console needs <code>admin</code>). Sign out and sign in with such a key.</p>
              <form method="post" action="{SignOutPath}">{AntiforgeryField(context)}<button type="submit">Sign out</button></form>
            </section>
            """);
    }

    /// <summary>Remembers whether the sign-in pages are mapped, so the console and a site can both ask for them.</summary>
    private sealed class SignInMarker
    {
        public bool Mapped { get; set; }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore;

/// <summary>
/// One correlation id per request: taken from the Tessera-Correlation-Id header when it is a GUID, otherwise new; it is
/// in every log line of the request (a logging scope), in the reply's header, and in the metadata of every event.
/// </summary>
public static class Correlation
{
    /// <summary>The header that carries the correlation id both ways.</summary>
    public const string Header = "Tessera-Correlation-Id";

    private static readonly object Key = new();

    /// <summary>The correlation id of the current request.</summary>
    public static Guid Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items.TryGetValue(Key, out var id) && id is Guid guid ? guid : Guid.Empty;
    }

    internal static IApplicationBuilder UseCorrelation(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var id = Guid.TryParse(http.Request.Headers[Header].ToString(), out var given) && given != Guid.Empty ? given : Guid.CreateVersion7();
        http.Items[Key] = id;
        http.Response.Headers[Header] = id.ToString();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tessera.Requests");
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            await next(http);
        }
    });
}

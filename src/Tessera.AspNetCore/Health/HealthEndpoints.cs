using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Projections;
using Tessera.Storage;

namespace Tessera.AspNetCore.Health;

/// <summary>Liveness and readiness for orchestrators: the only endpoints open without a key, and they say nothing else.</summary>
public static class HealthEndpoints
{
    /// <summary>Maps GET /health/live and GET /health/ready.</summary>
    public static IEndpointRouteBuilder MapTesseraHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health/live", () => Results.Text("live")).AllowAnonymous().WithTags("Health");
        endpoints.MapGet("/health/ready", ReadyAsync).AllowAnonymous().WithTags("Health");
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(IEventStore store, HttpContext http, CancellationToken cancellationToken)
    {
        try
        {
            // Reading the head proves the store is open and answering.
            await store.ReadHeadAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or EventStoreUnavailableException or InvalidOperationException or ObjectDisposedException)
        {
            return Results.Text("not ready: the event store is not available", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        // A projection stopped by a failed event serves stale answers until an operator acts: the read side is not ready.
        if (http.RequestServices.GetService<ProjectionAdmin>() is { AnyFailed: true } projections)
        {
            return Results.Text($"not ready: projections failed: {string.Join(", ", projections.Failed)}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Text("ready");
    }
}

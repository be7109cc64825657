using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.AspNetCore.Problems;
using Tessera.AspNetCore.Security;
using Tessera.Projections;

namespace Tessera.AspNetCore.ReadApi;

/// <summary>Projection status for operators (read scope), and retry, skip and rebuild (admin scope).</summary>
public static class ProjectionEndpoints
{
    /// <summary>Maps GET /projections, GET /projections/{name} and POST /projections/{name}/retry|skip|rebuild.</summary>
    public static IEndpointRouteBuilder MapProjectionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/projections").WithTags("Projections");
        group.MapGet("/", ListAsync).RequireAuthorization(TesseraScopes.Read)
            .WithSummary("Every projection: state, checkpoint, lag in events and seconds, the failing event, the last rebuild.")
            .Produces<ProjectionReply[]>();
        group.MapGet("/{name}", GetAsync).RequireAuthorization(TesseraScopes.Read)
            .WithSummary("One projection's status, with the progress of a running rebuild.")
            .Produces<ProjectionReply>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{name}/retry", (string name, ProjectionAdmin admin) => Act(name, "retry", admin.Retry(name)))
            .RequireAuthorization(TesseraScopes.Admin)
            .WithSummary("Applies the failed event again and resumes the projection.");
        group.MapPost("/{name}/skip", async (string name, ProjectionAdmin admin, CancellationToken cancellationToken) => Act(name, "skip", await admin.SkipAsync(name, cancellationToken)))
            .RequireAuthorization(TesseraScopes.Admin)
            .WithSummary("Passes over the failed event (stored in the read DB, so restarts and rebuilds skip it too) and resumes the projection.");
        group.MapPost("/{name}/rebuild", (string name, ProjectionAdmin admin) => Act(name, "rebuild", admin.StartRebuild(name)))
            .RequireAuthorization(TesseraScopes.Admin)
            .WithSummary("Starts replaying the projection into new tables; the old ones serve until the swap. Follow it with GET /projections/{name}.");
        return endpoints;
    }

    private static async Task<IResult> ListAsync(ProjectionAdmin admin, CancellationToken cancellationToken)
    {
        var all = await admin.ListAsync(cancellationToken);
        return Results.Json(all.Select(ProjectionReply.From).ToArray(), ReadApiJsonContext.Default.ProjectionReplyArray);
    }

    private static async Task<IResult> GetAsync(string name, ProjectionAdmin admin, CancellationToken cancellationToken) =>
        await admin.GetAsync(name, cancellationToken) is { } status
            ? Results.Json(ProjectionReply.From(status), ReadApiJsonContext.Default.ProjectionReply)
            : ProblemResults.UnknownName("projection", name);

    private static IResult Act(string name, string action, ProjectionActionResult result) => result switch
    {
        ProjectionActionResult.Done => Results.Accepted($"/projections/{Uri.EscapeDataString(name)}"),
        ProjectionActionResult.NotFound => ProblemResults.UnknownName("projection", name),
        ProjectionActionResult.NotFailed => ProblemResults.Problem(StatusCodes.Status409Conflict, "Projection not failed", $"'{name}' is not stopped by a failed event, so there is nothing to {action}."),
        ProjectionActionResult.AlreadyRebuilding => ProblemResults.Problem(StatusCodes.Status409Conflict, "Rebuild running", $"A rebuild of '{name}' is already running."),
        _ => throw new InvalidOperationException($"No reply is defined for {result}."),
    };
}

/// <summary>A projection's status as the API shows it.</summary>
/// <param name="Name">The projection's stable name.</param>
/// <param name="Mode">Async or Inline.</param>
/// <param name="State">Starting, CatchingUp, Running, Failed or Stopped.</param>
/// <param name="Checkpoint">The position of the last event applied.</param>
/// <param name="Head">The store's last position when the status was taken.</param>
/// <param name="LagEvents">Positions behind the head.</param>
/// <param name="LagSeconds">Age of the last applied event while behind; zero when caught up.</param>
/// <param name="Error">The event that stopped the projection.</param>
/// <param name="Rebuild">The running or last rebuild.</param>
public sealed record ProjectionReply(
    string Name,
    ProjectionMode Mode,
    ProjectionState State,
    long Checkpoint,
    long Head,
    long LagEvents,
    double LagSeconds,
    ProjectionErrorReply? Error,
    RebuildReply? Rebuild)
{
    internal static ProjectionReply From(ProjectionStatus s) => new(
        s.Name, s.Mode, s.State, s.Checkpoint.Value, s.Head.Value, s.LagEvents, s.LagTime.TotalSeconds,
        s.Error is { } e ? ProjectionErrorReply.From(e) : null,
        s.Rebuild is { } r ? new RebuildReply(r.State, r.EventsDone, r.EventsTotal, r.Error is { } re ? ProjectionErrorReply.From(re) : null) : null);
}

/// <summary>The event that stopped a projection.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="Position">Its global position.</param>
/// <param name="EventType">Its stable type name.</param>
/// <param name="Message">Why the handler failed.</param>
public sealed record ProjectionErrorReply(Guid EventId, long Position, string EventType, string Message)
{
    internal static ProjectionErrorReply From(ProjectionError e) => new(e.EventId, e.Position.Value, e.EventType, e.Message);
}

/// <summary>A rebuild's progress.</summary>
/// <param name="State">Running, Completed or Failed.</param>
/// <param name="EventsDone">The position the new tables reached.</param>
/// <param name="EventsTotal">The store's head when last measured.</param>
/// <param name="Error">Why it failed.</param>
public sealed record RebuildReply(RebuildState State, long EventsDone, long EventsTotal, ProjectionErrorReply? Error);

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Projections;

namespace Tessera.AspNetCore.Admin;

/// <summary>The console's projections page: status, checkpoint, lag, the failing event, and retry, skip (confirmed) and rebuild with live progress.</summary>
internal static class ProjectionConsole
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/projections", ListAsync);
        admin.MapGet("/projections/{name}/skip", ConfirmSkipAsync);
        admin.MapPost("/projections/{name}/retry", Retry);
        admin.MapPost("/projections/{name}/skip", Skip);
        admin.MapPost("/projections/{name}/rebuild", Rebuild);
        admin.MapGet("/api/projections", StatusAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context, string? done, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<ProjectionAdmin>() is not { } admin)
        {
            return ConsolePage.Result(context, "Projections", Html.Of($"""<h1>Projections</h1><p class="muted">This process runs no projections.</p>"""));
        }
        var statuses = await admin.ListAsync(cancellationToken);
        var rows = Html.Join(statuses, s => Html.Of($"""
            <tr class="projection" data-projection="{s.Name}">
              <td>{s.Name}</td><td>{s.Mode}</td><td><span class="badge {s.State}" data-cell="state">{s.State}</span></td>
              <td class="num" data-cell="checkpoint">{s.Checkpoint.Value}</td><td class="num" data-cell="head">{s.Head.Value}</td>
              <td class="num" data-cell="lag">{s.LagEvents}</td><td class="num" data-cell="lagTime">{s.LagTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s</td>
              <td data-cell="rebuild">{RebuildCell(s.Rebuild)}</td>
              <td>{Actions(context, s)}</td>
            </tr>
            {(s.Error is { } error ? Html.Of($"""<tr class="failure"><td colspan="9" class="error">Stopped at event <code>{error.EventId}</code> ({error.EventType}) at position {error.Position.Value}: {error.Message}</td></tr>""") : Html.Empty)}
            """));
        return ConsolePage.Result(context, "Projections", Html.Of($"""
            <h1>Projections</h1>
            {(done is null ? Html.Empty : Html.Of($"""<p class="ok" role="status">{done}</p>"""))}
            <table id="projections"><thead><tr><th>Name</th><th>Mode</th><th>State</th><th>Checkpoint</th><th>Head</th><th>Lag (events)</th><th>Lag (time)</th><th>Rebuild</th><th></th></tr></thead><tbody>{rows}</tbody></table>
            <p class="muted">Checkpoints, lag and rebuild progress refresh every second.</p>
            {Script}
            """));
    }

    private static async Task<IResult> ConfirmSkipAsync(HttpContext context, string name, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<ProjectionAdmin>() is not { } admin || await admin.GetAsync(name, cancellationToken) is not { } status)
        {
            return ConsolePage.Result(context, "Projections", Html.Of($"""<h1>Projections</h1><p class="error">No projection is named {name}.</p>"""), StatusCodes.Status404NotFound);
        }
        var error = status.Error;
        return ConsolePage.Result(context, "Skip an event", Html.Of($"""
            <h1>Skip an event of {name}?</h1>
            {(error is null
                ? Html.Of($"""<p class="muted">{name} is {status.State}: there is no failed event to skip.</p>""")
                : Html.Of($"""
                    <p>The projection stopped at event <code>{error.EventId}</code> ({error.EventType}) at position {error.Position.Value}: <span class="error">{error.Message}</span></p>
                    <p><strong>Skipping passes over this event for good: the read model will never contain what it says.</strong></p>
                    <form method="post" action="/admin/projections/{Uri.EscapeDataString(name)}/skip">{BrowserSignIn.AntiforgeryField(context)}<input type="hidden" name="confirm" value="yes"><button type="submit" id="confirm-skip">Yes, skip it</button> <a href="/admin/projections">No, go back</a></form>
                    """))}
            """));
    }

    // Each action binds a form field, so the antiforgery check runs on it.
    private static IResult Retry(HttpContext context, string name, [FromForm] string? confirm) =>
        After(name, "retry", Admin(context)?.Retry(name) ?? ProjectionActionResult.NotFound);

    private static async Task<IResult> Skip(HttpContext context, string name, [FromForm] string? confirm) =>
        confirm == "yes"
            ? After(name, "skip", Admin(context) is { } admin ? await admin.SkipAsync(name, context.RequestAborted) : ProjectionActionResult.NotFound)
            : Results.Redirect($"/admin/projections/{Uri.EscapeDataString(name)}/skip");

    private static IResult Rebuild(HttpContext context, string name, [FromForm] string? confirm) =>
        After(name, "rebuild", Admin(context)?.StartRebuild(name) ?? ProjectionActionResult.NotFound);

    private static ProjectionAdmin? Admin(HttpContext context) => context.RequestServices.GetService<ProjectionAdmin>();

    private static IResult After(string name, string action, ProjectionActionResult result) =>
        Results.Redirect("/admin/projections?done=" + Uri.EscapeDataString(result switch
        {
            ProjectionActionResult.Done => $"{action} of {name}: done.",
            ProjectionActionResult.NotFailed => $"{action} of {name}: not taken, the projection is not failed.",
            ProjectionActionResult.AlreadyRebuilding => $"{action} of {name}: a rebuild is already running.",
            _ => $"{action}: no projection is named {name}.",
        }));

    private static async Task<IResult> StatusAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var statuses = context.RequestServices.GetService<ProjectionAdmin>() is { } admin ? await admin.ListAsync(cancellationToken) : [];
        return Results.Json(
            statuses.Select(s => new ProjectionRow(s.Name, s.State.ToString(), s.Checkpoint.Value, s.Head.Value, s.LagEvents, Math.Round(s.LagTime.TotalSeconds, 1), RebuildCell(s.Rebuild).ToString())).ToList(),
            AdminJsonContext.Default.ListProjectionRow);
    }

    private static Html RebuildCell(RebuildProgress? rebuild) => rebuild switch
    {
        null => Html.Empty,
        { State: RebuildState.Failed } => Html.Of($"""<span class="error">failed at {rebuild.EventsDone}: {rebuild.Error?.Message}</span>"""),
        _ => Html.Of($"""<progress max="{Math.Max(1, rebuild.EventsTotal)}" value="{rebuild.EventsDone}"></progress> {rebuild.State} {rebuild.EventsDone} / {rebuild.EventsTotal}"""),
    };

    private static Html Actions(HttpContext context, ProjectionStatus status)
    {
        var name = Uri.EscapeDataString(status.Name);
        var token = BrowserSignIn.AntiforgeryField(context);
        var failed = status.State == ProjectionState.Failed
            ? Html.Of($"""
                <form class="inline" method="post" action="/admin/projections/{name}/retry">{token}<input type="hidden" name="confirm" value="yes"><button type="submit">Retry</button></form>
                <a href="/admin/projections/{name}/skip">Skip…</a>
                """)
            : Html.Empty;
        return Html.Of($"""{failed}<form class="inline" method="post" action="/admin/projections/{name}/rebuild">{token}<input type="hidden" name="confirm" value="yes"><button type="submit">Rebuild</button></form>""");
    }

    // Live progress: the page polls the JSON status and rewrites the cells that move.
    private static readonly Html Script = Html.Trusted("""
        <script>
        (function () {
          async function refresh() {
            const r = await fetch('/admin/api/projections', { credentials: 'same-origin' });
            if (!r.ok) { return; }
            for (const p of await r.json()) {
              const row = document.querySelector(`tr[data-projection="${CSS.escape(p.name)}"]`);
              if (!row) { continue; }
              const set = (cell, text) => { const el = row.querySelector(`[data-cell="${cell}"]`); if (el) { el.textContent = text; } };
              set('state', p.state); set('checkpoint', p.checkpoint); set('head', p.head); set('lag', p.lagEvents); set('lagTime', `${p.lagSeconds.toFixed(1)} s`);
              const rebuild = row.querySelector('[data-cell="rebuild"]'); if (rebuild) { rebuild.innerHTML = p.rebuild; }
            }
          }
          setInterval(refresh, 1000);
        })();
        </script>
        """);
}

/// <summary>One projection's status as the live page reads it.</summary>
internal sealed record ProjectionRow(string Name, string State, long Checkpoint, long Head, long LagEvents, double LagSeconds, string Rebuild);

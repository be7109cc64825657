using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.AspNetCore.Admin;

/// <summary>The Tessera admin console: streams, projections, commands, the signature audit trail and a live chart; admin scope only.</summary>
public static class AdminConsole
{
    private const int StreamPage = 50;
    private const int EventPage = 20;

    /// <summary>Records what the console shows about commands and appends; call inside AddTessera.</summary>
    public static TesseraBuilder AddAdminConsole(this TesseraBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // First in the pipeline, so it sees every outcome, refusals by authorization included.
        builder.AddStep<CommandLog>(CommandStage.Authorization);
        builder.Services.AddSingleton<AppendRate>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AppendRate>());
        return builder;
    }

    /// <summary>Maps the console under /admin, with the sign-in page; every page needs a signed-in key with the admin scope.</summary>
    public static WebApplication MapTesseraAdmin(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<CommandLog>() is null)
        {
            throw new InvalidOperationException("The admin console needs AddTessera(b => b.AddAdminConsole()) to record commands and appends.");
        }
        app.MapTesseraSignIn();
        var admin = app.MapGroup("/admin").RequireAuthorization(BrowserSignIn.AdminPolicy).ExcludeFromDescription();
        admin.MapGet("/", () => Results.Redirect("/admin/streams"));
        admin.MapGet("/streams", StreamsAsync);
        admin.MapGet("/stream", StreamAsync);
        admin.MapGet("/commands", Commands);
        admin.MapGet("/signatures", SignaturesAsync);
        admin.MapGet("/live", Live);
        admin.MapGet("/api/rates", Rates);
        ProjectionConsole.Map(admin);
        return app;
    }

    private static async Task<IResult> StreamsAsync(HttpContext context, IEventStore store, string? category, string? q, int? page, CancellationToken cancellationToken)
    {
        if (store is not IStreamCatalog catalog)
        {
            return ConsolePage.Result(context, "Streams", Html.Of($"""<h1>Streams</h1><p class="error">This event store cannot list its streams; open one by name below.</p>{OpenStreamForm()}"""));
        }
        var current = Math.Max(0, page ?? 0);
        var found = await catalog.ListStreamsAsync(category?.Trim(), q?.Trim(), current * StreamPage, StreamPage, cancellationToken);
        var head = await store.ReadHeadAsync(cancellationToken);
        var rows = Html.Join(found.Streams, s => Html.Of($"""
            <tr><td><a href="/admin/stream?name={Uri.EscapeDataString(s.Name.Value)}">{s.Name.Value}</a></td><td>{s.Name.Category}</td><td class="num">{s.LastVersion.Value + 1}</td><td class="num">{s.LastPosition.Value}</td></tr>
            """));
        var link = (int p) => $"/admin/streams?category={Uri.EscapeDataString(category ?? "")}&q={Uri.EscapeDataString(q ?? "")}&page={p}";
        var pager = Html.Of($"""
            <div class="pager">
              {(current > 0 ? Html.Of($"""<a href="{link(current - 1)}">← newer</a>""") : Html.Empty)}
              <span class="muted">{found.TotalMatching} stream(s), page {current + 1}</span>
              {((current + 1) * StreamPage < found.TotalMatching ? Html.Of($"""<a href="{link(current + 1)}">older →</a>""") : Html.Empty)}
            </div>
            """);
        return ConsolePage.Result(context, "Streams", Html.Of($"""
            <h1>Streams</h1>
            <p class="muted">The log's head is at position <strong id="head">{head.Value}</strong>. Streams are listed newest written first.</p>
            <form method="get" action="/admin/streams">
              <label>Category <input name="category" value="{category ?? ""}" placeholder="order"></label>
              <label>Name contains <input name="q" value="{q ?? ""}" placeholder="id or part of it"></label>
              <button type="submit">Search</button>
            </form>
            {pager}
            <table id="streams"><thead><tr><th>Stream</th><th>Category</th><th>Events</th><th>Last position</th></tr></thead><tbody>{rows}</tbody></table>
            {pager}
            """));
    }

    private static async Task<IResult> StreamAsync(HttpContext context, IEventStore store, string? name, long? from, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > StreamName.MaxLength || name.Any(char.IsControl))
        {
            return ConsolePage.Result(context, "Stream", Html.Of($"""<h1>Stream</h1><p class="error">Give a stream name of 1 to {StreamName.MaxLength} characters.</p>{OpenStreamForm()}"""), StatusCodes.Status400BadRequest);
        }
        var stream = new StreamName(name);
        var start = new StreamVersion(Math.Max(0, from ?? 0));
        var slice = await store.ReadStreamAsync(stream, start, ReadDirection.Forwards, EventPage, cancellationToken);
        if (!slice.StreamExists)
        {
            return ConsolePage.Result(context, "Stream", Html.Of($"""<h1>{name}</h1><p class="error">This stream has no events.</p>{OpenStreamForm()}"""), StatusCodes.Status404NotFound);
        }
        var rows = Html.Join(slice.Events, e => Html.Of($"""
            <tr class="event"><td class="num">{e.Version.Value}</td><td class="num">{e.Position.Value}</td><td>{e.Type}</td><td>{e.Metadata.Time.ToString("u", CultureInfo.InvariantCulture)}</td>
            <td><pre class="metadata">{Metadata(e)}</pre></td><td><pre class="data">{Json(e.Data.Span)}</pre></td></tr>
            """));
        var link = (long v) => $"/admin/stream?name={Uri.EscapeDataString(name)}&from={v}";
        var previous = Math.Max(0, start.Value - EventPage);
        var pager = Html.Of($"""
            <div class="pager">
              {(start.Value > 0 ? Html.Of($"""<a href="{link(previous)}">← earlier</a>""") : Html.Empty)}
              <span class="muted">versions {start.Value} to {(slice.Events.Count == 0 ? start.Value : slice.Events[^1].Version.Value)} of 0 to {slice.LastVersion.Value}</span>
              {(!slice.IsEnd && slice.Events.Count > 0 ? Html.Of($"""<a href="{link(slice.Events[^1].Version.Value + 1)}">later →</a>""") : Html.Empty)}
            </div>
            """);
        return ConsolePage.Result(context, name, Html.Of($"""
            <h1>{name}</h1>
            <p class="muted">Category <strong>{stream.Category}</strong>, {slice.LastVersion.Value + 1} event(s).</p>
            {pager}
            <table id="events"><thead><tr><th>Version</th><th>Position</th><th>Type</th><th>Time</th><th>Metadata</th><th>Data</th></tr></thead><tbody>{rows}</tbody></table>
            {pager}
            """));
    }

    private static IResult Commands(HttpContext context, CommandLog log, string? outcome)
    {
        CommandStatus? filter = Enum.TryParse<CommandStatus>(outcome, ignoreCase: true, out var parsed) ? parsed : null;
        var counts = log.Counts();
        var cards = Html.Join(counts, c => Html.Of($"""<div class="card"><a href="/admin/commands?outcome={c.Key}"><span class="badge {c.Key}">{c.Key}</span> <strong class="count" data-outcome="{c.Key}">{c.Value}</strong></a></div>"""));
        var rows = Html.Join(log.Recent(filter, 200), e => Html.Of($"""
            <tr><td>{e.Time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}</td><td>{e.Name}</td><td><span class="badge {e.Status}">{e.Status}</span></td><td class="num">{(e.Position == 0 ? "" : e.Position.ToString(CultureInfo.InvariantCulture))}</td><td>{e.User}</td><td>{e.Detail}</td><td class="muted">{e.CommandId}</td></tr>
            """));
        return ConsolePage.Result(context, "Commands", Html.Of($"""
            <h1>Commands</h1>
            <p class="muted">Outcomes since the host started; the last {CommandLog.Capacity} commands are kept in memory. {(filter is null ? Html.Empty : Html.Of($"""Showing <strong>{filter}</strong> only. <a href="/admin/commands">Show all</a>"""))}</p>
            <div class="cards">{cards}</div>
            <table id="commands"><thead><tr><th>Time</th><th>Command</th><th>Outcome</th><th>Position</th><th>User</th><th>Detail</th><th>Command id</th></tr></thead><tbody>{rows}</tbody></table>
            """));
    }

    private static async Task<IResult> SignaturesAsync(HttpContext context, SignatureAudit audit, CancellationToken cancellationToken)
    {
        var entries = new List<SignatureAuditEntry>();
        await foreach (var entry in audit.ReadAsync(cancellationToken))
        {
            entries.Add(entry);
        }
        entries.Reverse();
        var rows = Html.Join(entries.Take(500), e => Html.Of($"""
            <tr><td>{e.Time.ToString("u", CultureInfo.InvariantCulture)}</td><td><span class="badge {(e.Verified ? "true" : "false")}">{(e.Verified ? "signed" : "refused")}</span></td><td>{e.Signer}</td><td>{e.Meaning}</td><td>{e.CommandName}</td><td>{e.User}</td><td>{e.Detail}</td><td class="muted">{e.CommandId}<br>{e.CommandHash}</td></tr>
            """));
        return ConsolePage.Result(context, "Signatures", Html.Of($"""
            <h1>Electronic signature audit trail</h1>
            <p class="muted">Every signing and every refusal, newest first, from the append-only <a href="/admin/stream?name=%24signatures">$signatures</a> stream ({entries.Count} entries).</p>
            <table id="signatures"><thead><tr><th>Time</th><th>Verdict</th><th>Signer</th><th>Meaning</th><th>Command</th><th>Sent by</th><th>Detail</th><th>Command id and hash</th></tr></thead><tbody>{rows}</tbody></table>
            """));
    }

    private static IResult Live(HttpContext context) => ConsolePage.Result(context, "Live", Html.Of($"""
        <h1>Live</h1>
        <p class="muted">Events appended per second over the last two minutes, sampled once a second. <span id="now"></span></p>
        <svg id="rate-chart" width="960" height="240" viewBox="0 0 960 240" role="img" aria-label="appends per second">
          <polyline id="rate-line" fill="none" stroke="#1f6feb" stroke-width="2" points=""/>
          <text id="rate-max" x="6" y="16" font-size="12" fill="#5b6b7b"></text>
        </svg>
        {LiveScript}
        """));

    // A few lines of script, served inline: the chart polls the JSON endpoint and redraws one polyline.
    private static readonly Html LiveScript = Html.Trusted("""
        <script>
        (function () {
          const line = document.getElementById('rate-line'), label = document.getElementById('rate-max'), now = document.getElementById('now');
          async function draw() {
            const r = await fetch('/admin/api/rates', { credentials: 'same-origin' });
            if (!r.ok) { return; }
            const data = await r.json(), rates = data.appendsPerSecond;
            const max = Math.max(1, ...rates.map(p => p.perSecond));
            line.setAttribute('points', rates.map((p, i) => `${(i * 960 / 119).toFixed(1)},${(230 - p.perSecond * 210 / max).toFixed(1)}`).join(' '));
            label.textContent = `max ${max.toFixed(0)}/s`;
            now.textContent = `Head at ${data.head}; last ${rates.length ? rates[rates.length - 1].perSecond.toFixed(0) : 0}/s.`;
            document.body.dataset.samples = rates.length;
          }
          draw(); setInterval(draw, 1000);
        })();
        </script>
        """);

    private static IResult Rates(AppendRate rate)
    {
        var rates = rate.PerSecond();
        return Results.Json(new RatesReply(rate.Head, [.. rates.Select(r => new RatePoint(r.Time, Math.Round(r.PerSecond, 1)))]), AdminJsonContext.Default.RatesReply);
    }

    private static Html OpenStreamForm() => Html.Of($"""
        <form method="get" action="/admin/stream"><label>Stream name <input name="name" required></label> <button type="submit">Open</button></form>
        """);

    private static string Metadata(RecordedEvent e) =>
        Indent(JsonSerializer.SerializeToUtf8Bytes(e.Metadata, TesseraJsonContext.Default.EventMetadata)) + $"\nevent id: {e.EventId}";

    private static string Json(ReadOnlySpan<byte> data)
    {
        try
        {
            return Indent(data);
        }
        catch (JsonException)
        {
            return $"(not JSON: {data.Length} bytes)";
        }
    }

    private static string Indent(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

internal sealed record RatePoint(DateTimeOffset Time, double PerSecond);

internal sealed record RatesReply(long Head, IReadOnlyList<RatePoint> AppendsPerSecond);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RatesReply))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<ProjectionRow>))]
internal sealed partial class AdminJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

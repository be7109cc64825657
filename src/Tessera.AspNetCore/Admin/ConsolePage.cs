using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore.Admin;

/// <summary>The frame of every console page: head, styles, navigation and the signed-in user; no asset from outside the host.</summary>
internal static class ConsolePage
{
    private static readonly Html Styles = Html.Trusted("""
        <style>
          :root { --ink:#1d2733; --muted:#5b6b7b; --line:#d8dee6; --accent:#1f6feb; --bad:#b42318; --ok:#1a7f37; --warn:#9a6700; }
          * { box-sizing: border-box; }
          body { margin:0; font:14px/1.45 system-ui, sans-serif; color:var(--ink); background:#f6f8fa; }
          header { display:flex; align-items:center; gap:1.5rem; padding:.6rem 1.2rem; background:#0d1b2a; color:#fff; }
          header a { color:#cfe1ff; text-decoration:none; } header a:hover { text-decoration:underline; }
          header .brand { font-weight:700; color:#fff; } header nav { display:flex; gap:1rem; flex:1; }
          header .signout { display:flex; gap:.5rem; align-items:center; margin:0; }
          main { padding:1.2rem; max-width:1200px; }
          table { border-collapse:collapse; width:100%; background:#fff; } th, td { text-align:left; padding:.35rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
          th { background:#eef2f6; font-weight:600; } td.num { text-align:right; font-variant-numeric:tabular-nums; }
          pre { margin:0; white-space:pre-wrap; word-break:break-all; font-size:12px; background:#f3f5f7; padding:.4rem; border-radius:4px; }
          form.inline { display:inline; } input, select, button { font:inherit; padding:.25rem .5rem; }
          button { cursor:pointer; } .error { color:var(--bad); } .ok { color:var(--ok); } .warn { color:var(--warn); } .muted { color:var(--muted); }
          .badge { display:inline-block; padding:0 .45rem; border-radius:9px; background:#eef2f6; } .badge.Accepted, .badge.Running, .badge.true { background:#dafbe1; }
          .badge.ValidationFailed, .badge.Conflict, .badge.Failed, .badge.false, .badge.Forbidden { background:#ffebe9; }
          .cards { display:flex; gap:1rem; flex-wrap:wrap; margin-bottom:1rem; } .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.6rem 1rem; }
          .card a { text-decoration:none; color:inherit; } .pager { margin:.8rem 0; display:flex; gap:1rem; }
          section.signin, section.forbidden { max-width:520px; margin:3rem auto; background:#fff; padding:1.5rem; border:1px solid var(--line); border-radius:8px; }
          section.signin input[type=password] { width:100%; margin:.3rem 0 .8rem; }
          svg { background:#fff; border:1px solid var(--line); }
        </style>
        """);

    public static Task WriteAsync(HttpContext context, string title, Html body, int status, bool navigation = true)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(Render(context, title, body, navigation).ToString(), context.RequestAborted);
    }

    public static IResult Result(HttpContext context, string title, Html body, int status = StatusCodes.Status200OK) =>
        Results.Content(Render(context, title, body, navigation: true).ToString(), "text/html; charset=utf-8", null, status);

    private static Html Render(HttpContext context, string title, Html body, bool navigation)
    {
        var signedIn = context.User.Identity?.IsAuthenticated == true;
        var nav = navigation
            ? Html.Of($"""
                <nav>
                  <a href="/admin/streams">Streams</a>
                  <a href="/admin/projections">Projections</a>
                  <a href="/admin/commands">Commands</a>
                  <a href="/admin/signatures">Signatures</a>
                  <a href="/admin/live">Live</a>
                </nav>
                """)
            : Html.Of($"""<nav></nav>""");
        return Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Tessera</title>{Styles}</head>
            <body>
            <header><a class="brand" href="/admin">Tessera console</a>{nav}{(signedIn ? BrowserSignIn.SignOutForm(context) : Html.Empty)}</header>
            <main>
            {body}
            </main>
            </body>
            </html>
            """);
    }
}

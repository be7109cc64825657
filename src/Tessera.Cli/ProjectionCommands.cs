using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Tessera.ReadModels.Sqlite;
using Tessera.Storage;
using Tessera.Storage.Embedded;

namespace Tessera.Cli;

/// <summary>
/// Projection status and rebuild through a running host's Read API (GET /projections, POST /projections/{name}/rebuild),
/// and status read straight from a store folder and a read-model folder, read-only, beside a running host or without one.
/// </summary>
internal static class ProjectionCommands
{
    /// <summary>The environment variable read when --key is not given, so a key stays out of shell history.</summary>
    public const string KeyVariable = "TESSERA_API_KEY";

    public static async Task<int> StatusAsync(Arguments args, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (args.Option("--data") is not null || args.Option("--read-models") is not null)
        {
            return await FolderStatusAsync(args, output, cancellationToken);
        }
        args.NoOthers("--host", "--key");
        if (args.Option("--host") is null)
        {
            throw new UsageException("--host is required (a running host), or --data <store folder> with --read-models <folder>.");
        }
        using var http = Client(args);
        using var document = await GetJsonAsync(http, "projections", cancellationToken);
        Header(output);
        foreach (var p in document.RootElement.EnumerateArray())
        {
            var error = p.GetProperty("error") is { ValueKind: JsonValueKind.Object } e
                ? $"event {e.GetProperty("position").GetInt64()} ({e.GetProperty("eventType").GetString()}): {e.GetProperty("message").GetString()}"
                : string.Empty;
            Row(output, p.GetProperty("name").GetString()!, p.GetProperty("state").GetString()!, p.GetProperty("checkpoint").GetInt64(), p.GetProperty("head").GetInt64(), p.GetProperty("lagEvents").GetInt64(), p.GetProperty("lagSeconds").GetDouble(), error);
        }
        return 0;
    }

    /// <summary>
    /// The same table from the folders: checkpoints from the read-model files, the head from the store, both opened
    /// read-only. A host's failed state lives in its memory only, so this shows CaughtUp, Behind or Ahead instead.
    /// </summary>
    private static async Task<int> FolderStatusAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        args.NoOthers("--data", "--read-models");
        var data = args.Required("--data");
        var readModels = args.Required("--read-models");
        if (!Directory.Exists(data))
        {
            throw new UsageException($"There is no data folder at {data}.");
        }
        if (!Directory.Exists(readModels))
        {
            throw new UsageException($"There is no read-model folder at {readModels}.");
        }
        var checkpoints = SqliteCheckpoints.Read(readModels);
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = data, ReadOnlyFollower = true });
        var head = await store.ReadHeadAsync(cancellationToken);
        var now = TimeProvider.System.GetUtcNow();
        Header(output);
        foreach (var c in checkpoints)
        {
            var lag = Math.Max(0, head.Value - c.Checkpoint.Value);
            var (state, error) = c.Checkpoint > head
                ? ("Ahead", "the checkpoint is past the store's head: this read DB was built from another store")
                : (lag == 0 ? "CaughtUp" : "Behind", string.Empty);
            var lagSeconds = lag > 0 && c.Checkpoint > GlobalPosition.Start
                ? Math.Max(0, (now - await TimeOfAsync(store, c.Checkpoint, cancellationToken)).TotalSeconds)
                : 0;
            Row(output, c.Projection, state, c.Checkpoint.Value, head.Value, lag, lagSeconds, error);
        }
        return 0;
    }

    /// <summary>When the last event a projection applied was recorded: its lag in time, as the host reports it.</summary>
    private static async Task<DateTimeOffset> TimeOfAsync(EmbeddedEventStore store, GlobalPosition position, CancellationToken cancellationToken)
    {
        var slice = await store.ReadAllAsync(new GlobalPosition(position.Value - 1), 1, cancellationToken);
        return slice.Events.Count == 1 ? slice.Events[0].Metadata.Time : DateTimeOffset.MinValue;
    }

    private static void Header(TextWriter output) =>
        output.WriteLine($"{"projection",-32} {"state",-11} {"checkpoint",11} {"head",11} {"lag",9} {"lag s",8}  error");

    private static void Row(TextWriter output, string name, string state, long checkpoint, long head, long lag, double lagSeconds, string error) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} {state,-11} {checkpoint,11} {head,11} {lag,9} {lagSeconds,8:0.000}  {error}"));

    public static async Task<int> RebuildAsync(Arguments args, TextWriter output, TimeSpan poll, CancellationToken cancellationToken = default)
    {
        args.NoOthers("--host", "--key");
        var name = args.Words.ElementAtOrDefault(2) ?? throw new UsageException("Name the projection to rebuild.");
        using var http = Client(args);
        var path = "projections/" + Uri.EscapeDataString(name);
        using (var started = await http.PostAsync(path + "/rebuild", content: null, cancellationToken))
        {
            await EnsureAsync(started, cancellationToken);
        }
        output.WriteLine($"Rebuilding {name}: replaying into new tables; the old ones serve until the swap.");
        var shown = -1;
        while (true)
        {
            using var document = await GetJsonAsync(http, path, cancellationToken);
            if (document.RootElement.GetProperty("rebuild") is not { ValueKind: JsonValueKind.Object } rebuild)
            {
                throw new IOException($"The host reports no rebuild for '{name}'.");
            }
            var done = rebuild.GetProperty("eventsDone").GetInt64();
            var total = Math.Max(1, rebuild.GetProperty("eventsTotal").GetInt64());
            var state = rebuild.GetProperty("state").GetString();
            var percent = (int)Math.Min(100, done * 100 / total);
            if (percent != shown || state != "Running")
            {
                shown = percent;
                output.WriteLine(Bar(percent, done, total));
            }
            if (state == "Completed")
            {
                output.WriteLine($"{name} rebuilt: the new tables serve now.");
                return 0;
            }
            if (state == "Failed")
            {
                var error = rebuild.GetProperty("error");
                output.WriteLine($"{name} rebuild failed at event {error.GetProperty("position").GetInt64()}: {error.GetProperty("message").GetString()}; the old tables still serve.");
                return 1;
            }
            await Task.Delay(poll, cancellationToken);
        }
    }

    internal static string Bar(int percent, long done, long total)
    {
        const int width = 30;
        var filled = percent * width / 100;
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('-', width - filled)}] {percent,3}%  {done}/{total} events");
    }

    private static HttpClient Client(Arguments args)
    {
        var host = args.Required("--host");
        if (!Uri.TryCreate(host.EndsWith('/') ? host : host + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--host takes the host's address, such as http://127.0.0.1:5080, not '{host}'.");
        }
        var key = args.Option("--key") ?? Environment.GetEnvironmentVariable(KeyVariable)
            ?? throw new UsageException($"Give an API key with --key or in {KeyVariable}.");
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }

    /// <summary>A refusal becomes an error with the host's own reason (problem details' title and detail).</summary>
    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var reason = response.ReasonPhrase ?? "error";
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (problem.RootElement.TryGetProperty("title", out var title))
            {
                reason = title.GetString() + (problem.RootElement.TryGetProperty("detail", out var detail) ? ": " + detail.GetString() : string.Empty);
            }
        }
        catch (JsonException)
        {
            // Not problem details: the status line says enough.
        }
        throw new IOException($"The host answered {(int)response.StatusCode} ({reason}).");
    }
}

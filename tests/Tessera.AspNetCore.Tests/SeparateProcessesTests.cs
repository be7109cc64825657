using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Tessera.AspNetCore.Security;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>
/// The Shop host run as three processes on one embedded store folder: one `write` process that owns it, and two `read`
/// processes that follow it read-only, each with its own SQLite read DB. A client reads its own writes across processes
/// by passing the command's token.
/// </summary>
public sealed class SeparateProcessesTests : IAsyncLifetime, IDisposable
{
    private const string Key = "tsk_test_processes";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tessera-processes", Guid.NewGuid().ToString("N"));
    private readonly List<Process> _hosts = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Uri _write = null!;
    private Uri[] _reads = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _write = await StartAsync("write", "writer", follower: false);
        _reads = [await StartAsync("read", "reader-1", follower: true), await StartAsync("read", "reader-2", follower: true)];
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
            await host.WaitForExitAsync();
            host.Dispose();
        }
        Directory.Delete(_folder, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task a_command_on_the_write_process_is_read_at_once_on_every_read_process_with_its_token()
    {
        var category = Guid.NewGuid();
        var product = Guid.NewGuid();
        var order = Guid.NewGuid();
        await SendAsync("shop.add-category", new { id = category, name = "Books" });
        await SendAsync("shop.add-product", new { id = product, categoryId = category, name = "Novel", price = 40m });
        var placed = await SendAsync("shop.place-order", ShopApi.Order(order, product, quantity: 3));

        foreach (var read in _reads)
        {
            var summary = await QueryAsync(read, $"shop.get-order-summary?id={order}&minPosition={placed}");
            Assert.Equal(order, summary.GetProperty("orderId").GetGuid());
            Assert.Equal(120m, summary.GetProperty("total").GetDecimal());
        }

        var paid = await SendAsync("shop.mark-order-as-paid", new { id = order, amount = 120m, paymentReference = "PAY-1" });
        foreach (var read in _reads)
        {
            var summary = await QueryAsync(read, $"shop.get-order-summary?id={order}&minPosition={paid}");
            Assert.Equal("Paid", summary.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task each_process_serves_only_its_role()
    {
        using var query = new HttpRequestMessage(HttpMethod.Get, new Uri(_write, "/queries/shop.list-categories"));
        query.Headers.Add("X-Api-Key", Key);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(query)).StatusCode);

        using var command = new HttpRequestMessage(HttpMethod.Post, new Uri(_reads[0], "/commands/shop.add-category")) { Content = JsonContent.Create(new { id = Guid.NewGuid(), name = "Toys" }) };
        command.Headers.Add("X-Api-Key", Key);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(command)).StatusCode);
    }

    [Fact]
    public async Task projections_status_from_the_folders_matches_the_running_reader_and_shows_a_stopped_readers_lag()
    {
        var category = Guid.NewGuid();
        var product = Guid.NewGuid();
        await SendAsync("shop.add-category", new { id = category, name = "Maps" });
        await SendAsync("shop.add-product", new { id = product, categoryId = category, name = "Atlas", price = 30m });
        var placed = await SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product, quantity: 1));
        foreach (var read in _reads)
        {
            await AllProjectionsReachAsync(read, placed);
        }

        // While all three processes run: the folders give the same checkpoints and head as the reader's own API.
        var fromHost = Table(await CliAsync("projections", "status", "--host", _reads[0].ToString(), "--key", Key));
        var fromFolders = Table(await CliAsync("projections", "status", "--data", Path.Combine(_folder, "events"), "--read-models", Path.Combine(_folder, "reader-1")));
        Assert.Equal(5, fromFolders.Count);
        Assert.Equal(fromHost.Keys.Order(), fromFolders.Keys.Order());
        foreach (var (name, row) in fromFolders)
        {
            Assert.Equal((fromHost[name].Checkpoint, fromHost[name].Head), (row.Checkpoint, row.Head));
            Assert.Equal(placed, row.Head);
            Assert.Equal(("CaughtUp", 0L), (row.State, row.Lag));
        }

        // A reader that is stopped misses what comes after; its folder shows how far behind it is.
        var stopped = _hosts[2];
        stopped.Kill(entireProcessTree: true);
        await stopped.WaitForExitAsync();
        await SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "Globes" });
        var later = await SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "Charts" });
        var behind = Table(await CliAsync("projections", "status", "--data", Path.Combine(_folder, "events"), "--read-models", Path.Combine(_folder, "reader-2")));
        Assert.Equal(5, behind.Count);
        Assert.All(behind.Values, row => Assert.Equal(("Behind", placed, later, later - placed), row));
    }

    [Fact]
    public async Task projections_status_from_a_folder_without_read_models_is_refused_with_a_clear_reason()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Tessera.Cli.TesseraCommand.RunAsync(["projections", "status", "--data", Path.Combine(_folder, "events"), "--read-models", Path.Combine(_folder, "events")], output, error);
        Assert.Equal(1, code);
        Assert.Contains("There is no read-model catalog (catalog.db)", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(64, await Tessera.Cli.TesseraCommand.RunAsync(["projections", "status", "--data", Path.Combine(_folder, "events")], output, error));
        Assert.Contains("--read-models is required", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Polls the reader's projection list until every checkpoint has reached the position.</summary>
    private async Task AllProjectionsReachAsync(Uri read, long position)
    {
        for (var i = 0; i < 1200; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(read, "/projections"));
            request.Headers.Add("X-Api-Key", Key);
            using var response = await _http.SendAsync(request);
            var list = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (list.EnumerateArray().All(p => p.GetProperty("checkpoint").GetInt64() >= position))
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The projections of {read} did not reach {position} within 1,200 polls.");
    }

    private static async Task<string> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Tessera.Cli.TesseraCommand.RunAsync(args, output, error);
        Assert.True(code == 0, $"exit {code}: {error}");
        return output.ToString();
    }

    /// <summary>The status table by projection: state, checkpoint, head and lag.</summary>
    private static Dictionary<string, (string State, long Checkpoint, long Head, long Lag)> Table(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(c => c[0], c => (c[1], long.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture), long.Parse(c[3], System.Globalization.CultureInfo.InvariantCulture), long.Parse(c[4], System.Globalization.CultureInfo.InvariantCulture)));

    private async Task<long> SendAsync(string name, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_write, $"/commands/{name}")) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", Key);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Tessera-Position").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<JsonElement> QueryAsync(Uri host, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host, "/queries/" + pathAndQuery));
        request.Headers.Add("X-Api-Key", Key);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<Uri> StartAsync(string role, string name, bool follower) =>
        ShopHostProcess.StartAsync(_http, Key, $"{role} {name}", new Dictionary<string, string>
        {
            ["Tessera__Role"] = role,
            ["Tessera__EmbeddedStore__DataFolder"] = Path.Combine(_folder, "events"),
            ["Tessera__EmbeddedStore__ReadOnlyFollower"] = follower ? "true" : "false",
            ["Tessera__ReadModels__DataFolder"] = Path.Combine(_folder, name),
        }, (process, _) => _hosts.Add(process));
}

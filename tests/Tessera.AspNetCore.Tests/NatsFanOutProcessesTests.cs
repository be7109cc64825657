using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Tessera.AspNetCore.Security;
using Tessera.TestServers;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>
/// The Shop host as separate processes fed through a real nats-server: one `write` process with the relay
/// (Tessera:Nats:Relay=true) and three `read` processes with Tessera:ReadSource=Nats, each with its own SQLite read DB and
/// no event store. The write process and a reader are SIGKILLed mid-stream and NATS itself is restarted; every reader
/// ends with the same answers, and the counts show that nothing was lost or applied twice.
/// </summary>
public sealed class NatsFanOutProcessesTests : IAsyncLifetime, IDisposable
{
    private const string Key = "tsk_test_fanout";

    // Only a safety net so that a lost event fails the test instead of hanging it; no assertion depends on time.
    private static readonly TimeSpan Converge = TimeSpan.FromMinutes(5);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tessera-fanout", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (Process Process, Uri Url)> _hosts = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly List<Guid> _orders = [];
    private NatsServer _nats = null!;
    private Guid _product;
    private long _last;

    private static readonly string[] Readers = ["reader-1", "reader-2", "reader-3"];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _nats = await NatsServer.StartAsync();
        await StartAsync("writer");
        foreach (var reader in Readers)
        {
            await StartAsync(reader);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, _) in _hosts.Values)
        {
            await StopAsync(process);
        }
        await _nats.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task three_readers_fed_through_nats_end_identical_across_kills_of_the_writer_a_reader_and_nats()
    {
        var category = Guid.NewGuid();
        _product = Guid.NewGuid();
        await SendAsync("shop.add-category", new { id = category, name = "Books" });
        await SendAsync("shop.add-product", new { id = _product, categoryId = category, name = "Novel", price = 40m });
        await PlaceOrdersAsync(20);
        await AssertReadersAgreeAsync();

        // SIGKILL the writer (and its relay) and a reader while the events of the last orders are still on their way.
        await PlaceOrdersAsync(20);
        Kill("writer");
        Kill("reader-1");
        await StartAsync("writer");
        await PlaceOrdersAsync(10);
        await StartAsync("reader-1");
        await PlaceOrdersAsync(10);

        // Restart NATS itself mid-stream: the writer keeps accepting (its store is the truth), the relay and readers resume.
        await PlaceOrdersAsync(10);
        _nats.Kill();
        await PlaceOrdersAsync(5);
        await _nats.StartAgainAsync();
        await PlaceOrdersAsync(5);

        await AssertReadersAgreeAsync();
        Assert.False(Directory.Exists(Path.Combine(_folder, "no-events")), "A read host fed by NATS opened an event store folder.");
    }

    /// <summary>Every reader answers the same, once it has reached the last command's position, and the answers count every order once.</summary>
    private async Task AssertReadersAgreeAsync()
    {
        var answers = new List<string>();
        foreach (var reader in Readers)
        {
            var sales = await QueryAsync(reader, $"shop.get-product-sales?productId={_product}");
            var orders = await QueryAsync(reader, "shop.list-orders-by-customer?customerId=alice&pageSize=100");
            Assert.Equal(_orders.Count, sales.EnumerateArray().Sum(d => d.GetProperty("quantity").GetInt32()));
            var listed = orders.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("orderId").GetGuid()).Order().ToList();
            Assert.Equal(_orders.Order(), listed);
            answers.Add(sales.GetRawText() + orders.GetRawText());
        }
        Assert.All(answers, a => Assert.Equal(answers[0], a));
    }

    private async Task PlaceOrdersAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var order = Guid.NewGuid();
            await SendAsync("shop.place-order", ShopApi.Order(order, _product, quantity: 1));
            _orders.Add(order);
        }
    }

    private async Task SendAsync(string name, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_hosts["writer"].Url, $"/commands/{name}")) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", Key);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        _last = long.Parse(response.Headers.GetValues("Tessera-Position").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>Asks until the reader has reached the last command's position (it answers 503 before), within a generous bound.</summary>
    private async Task<JsonElement> QueryAsync(string reader, string pathAndQuery)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_hosts[reader].Url, $"/queries/{pathAndQuery}&minPosition={_last}"));
            request.Headers.Add("X-Api-Key", Key);
            using var response = await _http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(deadline.Elapsed < Converge, $"{reader} did not reach position {_last}.");
        }
    }

    private void Kill(string name)
    {
        var (process, _) = _hosts[name];
        process.Kill();
        process.WaitForExit();
        process.Dispose();
        _hosts.Remove(name);
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    private async Task StartAsync(string name)
    {
        var writer = name == "writer";
        await ShopHostProcess.StartAsync(_http, Key, name, new Dictionary<string, string>
        {
            ["Tessera__Role"] = writer ? "write" : "read",
            // A reader is pointed at a folder that must never appear: it has no event store.
            ["Tessera__EmbeddedStore__DataFolder"] = Path.Combine(_folder, writer ? "events" : "no-events"),
            ["Tessera__ReadModels__DataFolder"] = Path.Combine(_folder, name),
            ["Tessera__Nats__Url"] = _nats.Url,
            [writer ? "Tessera__Nats__Relay" : "Tessera__ReadSource"] = writer ? "true" : "Nats",
        }, (process, url) => _hosts[name] = (process, url), attempts: 1200);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Tessera.AspNetCore.Security;
using Tessera.TestServers;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>
/// The Shop host run as real processes with <c>Tessera:Store=Postgres</c> and <c>Tessera:ReadModels:Store=Postgres</c>
/// on one throwaway PostgreSQL database: a `write` process appends, a `read` process projects into PostgreSQL and answers.
/// </summary>
public sealed class PostgresHostProcessTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime, IDisposable
{
    private const string Key = "tsk_test_postgres_processes";
    private readonly PostgresFixture _postgres = postgres;
    private readonly List<Process> _hosts = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Uri _host = null!;
    private Uri _read = null!;

    public async Task InitializeAsync()
    {
        _host = await StartAsync("write", "writer");
        _read = await StartAsync("read", "reader");
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
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task an_order_placed_over_http_is_read_back_from_the_postgres_read_models_with_its_token()
    {
        var category = Guid.NewGuid();
        var product = Guid.NewGuid();
        var order = Guid.NewGuid();
        await SendAsync("shop.add-category", new { id = category, name = "Books" });
        await SendAsync("shop.add-product", new { id = product, categoryId = category, name = "Novel", price = 40m });
        var placed = await SendAsync("shop.place-order", ShopApi.Order(order, product, quantity: 3));

        var lines = await QueryAsync(_read, $"shop.list-order-lines?id={order}&minPosition={placed}");
        var line = Assert.Single(lines.EnumerateArray());
        Assert.Equal(("Novel", 3, 40m), (line.GetProperty("productName").GetString(), line.GetProperty("quantity").GetInt32(), line.GetProperty("unitPrice").GetDecimal()));
        var stored = await QueryAsync(_read, $"shop.get-product?id={product}&minPosition={placed}");
        Assert.Equal(40m, stored.GetProperty("price").GetDecimal());
        var summary = await QueryAsync(_read, $"shop.get-order-summary?id={order}&minPosition={placed}");
        Assert.Equal(("Books", 3), (summary.GetProperty("categoryNames").GetString(), summary.GetProperty("itemCount").GetInt32()));
    }

    private async Task<long> SendAsync(string name, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host, $"/commands/{name}")) { Content = JsonContent.Create(body) };
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

    private Task<Uri> StartAsync(string role, string name) =>
        ShopHostProcess.StartAsync(_http, Key, $"{role} {name}", new Dictionary<string, string>
        {
            ["Tessera__Role"] = role,
            ["Tessera__Store"] = "Postgres",
            ["Tessera__ReadModels__Store"] = "Postgres",
            ["ConnectionStrings__Tessera"] = _postgres.Server.ConnectionString(),
        }, (process, _) => _hosts.Add(process));
}

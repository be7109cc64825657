using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop;
using Shop.ReadModels;
using Tessera.AspNetCore.Security;
using Tessera.Commands;
using Tessera.Nats;
using Tessera.ReadModels.Sqlite;
using Tessera.Storage.Embedded;
using Tessera.TestServers;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>A Shop host with every role and Tessera:ReadSource=Nats, against a real nats-server: what it cannot do answers a clear 503.</summary>
public sealed class NatsReadHostTests : IAsyncLifetime, IDisposable
{
    private const string Key = "tsk_test_nats_read";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tessera-nats-read", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new();
    private NatsServer _nats = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        _app = await StartHostAsync(_nats.Url, _folder);
        _http.BaseAddress = new Uri(_app.Urls.First());
        _http.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    private static async Task<WebApplication> StartHostAsync(string natsUrl, string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Settings(("urls", "http://127.0.0.1:0"), ("Tessera:ReadSource", "nats"), ("Tessera:Nats:Url", natsUrl)));
        builder.Services.AddTessera(b => b
            .AddShop()
            .UseConfiguredSigners(builder.Configuration)
            .UseEmbeddedStore(store => store.DataFolder = Path.Combine(folder, "events"))
            .UseConfiguredFanOut(builder.Configuration)
            .AddShopReadModels()
            .UseSqliteReadModels(read => read.DataFolder = Path.Combine(folder, "read")));
        builder.AddTesseraHost(defaultPort: 0);
        var app = builder.Build();
        app.MapTessera();
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task a_read_host_starts_while_nats_is_down_answers_unready_and_becomes_ready_when_nats_is_back()
    {
        await _nats.StopAsync();
        await using var app = await StartHostAsync(_nats.Url, Path.Combine(_folder, "second"));
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);

        using (var down = await http.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }
        using (var projections = await http.GetAsync("/projections"))
        {
            Assert.Equal(HttpStatusCode.OK, projections.StatusCode);
            Assert.Contains("event source is unavailable", await projections.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await _nats.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        HttpStatusCode status;
        while ((status = (await http.GetAsync("/health/ready")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, status);
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _nats.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task a_command_answers_503_with_the_reason_and_no_event_store_is_opened()
    {
        using var response = await _http.PostAsJsonAsync("/commands/shop.add-category", new { id = Guid.NewGuid(), name = "Books" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Event store unavailable", problem.GetProperty("title").GetString());
        Assert.Contains("Tessera:ReadSource=Nats", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "events")));
    }

    [Fact]
    public async Task queries_and_readiness_are_served_from_the_read_db()
    {
        using var ready = await _http.GetAsync("/health/ready");
        using var categories = await _http.GetAsync("/queries/shop.list-categories");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, categories.StatusCode);
        Assert.Equal(0, (await categories.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
    }

    [Theory]
    [InlineData("Tessera:ReadSource", "Kafka", "Tessera:ReadSource is 'Kafka'")]
    [InlineData("Tessera:Nats:Relay", "yes", "Tessera:Nats:Relay is 'yes'")]
    [InlineData("Tessera:Nats:Url", "http://x", "Url 'http://x' must be a nats:// URL")]
    public void bad_settings_stop_the_start_naming_the_setting(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(("Tessera:Nats:Relay", "true"), (key, value))).Build();

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTessera(b => b.AddShop().UseConfiguredFanOut(configuration)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_relay_on_a_host_that_reads_from_nats_is_refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(("Tessera:Nats:Relay", "true"), ("Tessera:ReadSource", "Nats"))).Build();

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTessera(b => b.AddShop().UseConfiguredFanOut(configuration)));

        Assert.Contains("the relay publishes a local event store", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tessera:Signers:sam"] = PasswordSignatureVerifier.HashPassword("sam-password", 1_000),
            ["Tessera:Api:Keys:0:Name"] = "test",
            ["Tessera:Api:Keys:0:Hash"] = ApiKeyRing.Hash(Key),
            ["Tessera:Api:Keys:0:User"] = "sam",
            ["Tessera:Api:Keys:0:Scopes:0"] = "write",
            ["Tessera:Api:Keys:0:Scopes:1"] = "read",
            ["Tessera:Api:Keys:0:Roles:0"] = "staff",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop;
using Shop.ReadModels;
using Tessera.AspNetCore.Security;
using Tessera.Commands;
using Tessera.ReadModels.Sqlite;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>The Shop host on a free loopback port, through real Kestrel, with one key per scope and a fresh in-memory store.</summary>
public class ShopApi : IAsyncLifetime
{
    public const string StaffKey = "tsk_test_staff";
    public const string CustomerKey = "tsk_test_customer";
    public const string ReaderKey = "tsk_test_reader";
    public const string PartnerKey = "tsk_test_partner";
    public const string SlowKey = "tsk_test_slow";
    public const string StaffPassword = "sam-password";
    public const long MaxBody = 64 * 1024;

    private readonly string _readModels = Path.Combine(Path.GetTempPath(), "tessera-api-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public HttpClient Http { get; } = new();

    public IEventStore Store { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
        [
            new("urls", "http://127.0.0.1:0"),
            new("Tessera:Api:MaxRequestBodyBytes", MaxBody.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Tessera:Api:RequestsPerSecondPerKey", "100000"),
            new("Tessera:Signers:sam", PasswordSignatureVerifier.HashPassword(StaffPassword, 1_000)),
            .. Key(0, "staff", StaffKey, "sam", ["write", "read", "admin"], ["staff"]),
            .. Key(1, "customer", CustomerKey, "alice", ["write", "read"], ["customer"]),
            .. Key(2, "reader", ReaderKey, "rita", ["read"], ["staff"]),
            .. Key(3, "partner", PartnerKey, "acme", ["partner"], ["partner"]),
            .. Key(4, "slow", SlowKey, "sam", ["write"], ["staff"]),
            new("Tessera:Api:Keys:4:RequestsPerSecond", "2"),
            .. MoreSettings(),
        ]);
        Store = CreateStore();
        builder.Services.AddSingleton(Store);
        builder.Services.AddTessera(b =>
        {
            b.AddShop().UseConfiguredSigners(builder.Configuration);
            b.AddShopReadModels().UseSqliteReadModels(read => read.DataFolder = _readModels);
            b.Options.ConsistencyWait = TimeSpan.FromSeconds(3);
        });
        builder.AddTesseraHost(defaultPort: 0);
        _app = builder.Build();
        _app.MapTessera(partner: Shop.Host.ShopPartnerApi.Map);
        await _app.StartAsync();
        Http.BaseAddress = new Uri(_app.Urls.First());
    }

    protected virtual IEventStore CreateStore() => new InMemoryEventStore();

    /// <summary>Configuration a fixture adds to the keys and limits above.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreSettings() => [];

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        if (Directory.Exists(_readModels))
        {
            Directory.Delete(_readModels, recursive: true);
        }
    }

    public Task<HttpResponseMessage> SendAsync(string command, object body, string? key = StaffKey, Action<HttpRequestMessage>? configure = null) =>
        SendRawAsync(command, JsonSerializer.Serialize(body, JsonSerializerOptions.Web), key, configure);

    public async Task<HttpResponseMessage> SendRawAsync(string command, string body, string? key = StaffKey, Action<HttpRequestMessage>? configure = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/commands/{command}") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? key, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        return await Http.SendAsync(request);
    }

    /// <summary>Adds a category and a product and returns their ids.</summary>
    public async Task<(Guid Category, Guid Product)> CatalogAsync()
    {
        var category = Guid.NewGuid();
        var product = Guid.NewGuid();
        (await SendAsync("shop.add-category", new { id = category, name = $"Books {category:N}" })).EnsureSuccessStatusCode();
        (await SendAsync("shop.add-product", new { id = product, categoryId = category, name = "Novel", price = 40m })).EnsureSuccessStatusCode();
        return (category, product);
    }

    public static object Order(Guid id, Guid product, string customer = "alice", int quantity = 3) =>
        new { id, customerId = customer, customerName = "Alice", lines = new[] { new { productId = product, productName = "Novel", quantity, unitPrice = 40m } } };

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    private static IEnumerable<KeyValuePair<string, string?>> Key(int index, string name, string key, string user, string[] scopes, string[] roles)
    {
        var prefix = $"Tessera:Api:Keys:{index}:";
        yield return new(prefix + "Name", name);
        yield return new(prefix + "Hash", ApiKeyRing.Hash(key));
        yield return new(prefix + "User", user);
        for (var i = 0; i < scopes.Length; i++)
        {
            yield return new($"{prefix}Scopes:{i}", scopes[i]);
        }
        for (var i = 0; i < roles.Length; i++)
        {
            yield return new($"{prefix}Roles:{i}", roles[i]);
        }
    }
}

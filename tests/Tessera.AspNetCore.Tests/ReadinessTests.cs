using System.Net;
using System.Text;
using System.Text.Json;
using Shop.Products;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>/health/ready through real Kestrel while a projection is stopped by a poison event, and after an operator acts.</summary>
public sealed class ReadinessTests(ShopApi api) : IClassFixture<ShopApi>
{
    private const string Catalog = "catalog.v1";

    [Fact]
    public async Task ready_turns_unhealthy_naming_the_failed_projection_and_healthy_again_only_after_a_skip()
    {
        var (category, product) = await api.CatalogAsync();
        Assert.Equal((HttpStatusCode.OK, "ready"), await ReadyAsync());

        // A price change whose id is not an id: only the catalog projection handles this event type, and it cannot apply it.
        var poison = await AppendPoisonAsync(product);
        var (status, text) = await UntilAsync(ReadyAsync, r => r.Status != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal($"not ready: projections failed: {Catalog}", text);
        var failed = await ProjectionAsync();
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.Equal(poison.Value - 1, failed.GetProperty("checkpoint").GetInt64());
        Assert.Equal(poison.Value, failed.GetProperty("error").GetProperty("position").GetInt64());
        Assert.Equal("shop.product-price-changed.v1", failed.GetProperty("error").GetProperty("eventType").GetString());

        // Retry resumes the projection at once (the state leaves Failed before the 202), and it stops on the same event again.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/projections/{Catalog}/retry", ShopApi.StaffKey)).StatusCode);
        var again = await UntilAsync(ProjectionAsync, p => p.GetProperty("state").GetString() == "Failed");
        Assert.Equal(poison.Value, again.GetProperty("error").GetProperty("position").GetInt64());
        Assert.Equal((HttpStatusCode.ServiceUnavailable, $"not ready: projections failed: {Catalog}"), await ReadyAsync());

        // Skipping the event lets it run again: ready, and the checkpoint moves past the poison event.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/projections/{Catalog}/skip", ShopApi.StaffKey)).StatusCode);
        Assert.Equal((HttpStatusCode.OK, "ready"), await UntilAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK));
        var running = await UntilAsync(ProjectionAsync, p => p.GetProperty("checkpoint").GetInt64() >= poison.Value);
        Assert.NotEqual("Failed", running.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("error").ValueKind);

        // And it keeps following: a product added after the poison event is read back with its token.
        var next = Guid.NewGuid();
        var added = await api.SendAsync("shop.add-product", new { id = next, categoryId = category, name = "Atlas", price = 12m });
        var token = added.Headers.GetValues("Tessera-Position").Single();
        using var read = await api.GetAsync($"/queries/shop.get-product?id={next}&minPosition={token}", ShopApi.ReaderKey);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private async Task<GlobalPosition> AppendPoisonAsync(Guid product)
    {
        var data = Encoding.UTF8.GetBytes("""{"id":"not-an-id","price":5,"previousPrice":40}""");
        var stream = StreamName.For(Product.StreamCategory, new ProductId(product));
        var result = await api.Store.AppendAsync(stream, ExpectedVersion.Any, [new EventData(Guid.NewGuid(), "shop.product-price-changed.v1", data, new EventMetadata { Time = DateTimeOffset.UtcNow })]);
        return result.Position;
    }

    private async Task<(HttpStatusCode Status, string Text)> ReadyAsync()
    {
        using var response = await api.GetAsync("/health/ready", key: null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> ProjectionAsync()
    {
        using var response = await api.GetAsync($"/projections/{Catalog}", ShopApi.ReaderKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ShopApi.JsonAsync(response);
    }

    /// <summary>Polls until the condition holds (a bound, not a timing: on a slow machine it just takes more rounds).</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; i < 1200; i++)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The condition did not hold within 1,200 polls.");
    }
}

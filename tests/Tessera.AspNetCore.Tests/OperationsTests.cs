using System.Net;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

public sealed class OperationsTests(ShopApi api) : IClassFixture<ShopApi>
{
    [Fact]
    public async Task a_correlation_id_from_the_client_is_echoed_and_stored_in_the_events()
    {
        var correlation = Guid.NewGuid();
        var category = Guid.NewGuid();
        var response = await api.SendAsync("shop.add-category", new { id = category, name = $"Maps {category:N}" }, configure: r => r.Headers.Add("Tessera-Correlation-Id", correlation.ToString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(correlation.ToString(), Assert.Single(response.Headers.GetValues("Tessera-Correlation-Id")));
        var added = (await api.Store.ReadStreamAsync(StreamName.For("category", new Shop.Categories.CategoryId(category)), StreamVersion.Start, ReadDirection.Forwards, 1)).Events.Single();
        Assert.Equal(correlation, added.Metadata.CorrelationId);
    }

    [Fact]
    public async Task without_a_correlation_id_the_host_makes_one()
    {
        var response = await api.SendAsync("shop.nope", new { });
        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues("Tessera-Correlation-Id")), out _));
    }

    [Fact]
    public async Task the_openapi_document_describes_the_apis_to_a_key_holder_only()
    {
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Http.SendAsync(anonymous)).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Add("X-Api-Key", ShopApi.ReaderKey);
        var response = await api.Http.SendAsync(request);
        var document = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/commands/{name}", document, StringComparison.Ordinal);
        Assert.Contains("/partner/v1/orders", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task health_answers_without_a_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }
}

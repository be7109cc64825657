using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shop.Partners;
using Xunit;

namespace Tessera.AspNetCore.Tests;

public sealed class PartnerApiTests(ShopApi api) : IClassFixture<ShopApi>
{
    /// <summary>What a v1 partner sends today, byte for byte: it must keep working as long as v1 is mapped.</summary>
    private const string V1Request = """
        {"orderId":"%ORDER%","customer":"acme-42","lines":[{"productId":"%PRODUCT%","productName":"Novel","quantity":2,"unitPrice":40}]}
        """;

    [Fact]
    public async Task a_v1_order_as_partners_send_it_today_is_accepted_with_the_v1_reply()
    {
        var (_, product) = await api.CatalogAsync();
        var order = Guid.NewGuid();
        var response = await PostAsync("/partner/v1/orders", V1Request.Replace("%ORDER%", order.ToString(), StringComparison.Ordinal).Replace("%PRODUCT%", product.ToString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reply = await ShopApi.JsonAsync(response);
        Assert.Equal(["orderId", "position"], reply.EnumerateObject().Select(p => p.Name));
        Assert.Equal(order, reply.GetProperty("orderId").GetGuid());
    }

    [Fact]
    public void the_v1_contract_keeps_its_fields()
    {
        var order = new PartnerOrderV1(Guid.Empty, "c", [new PartnerOrderLineV1(Guid.Empty, "p", 1, 1m)]);
        var json = JsonSerializer.SerializeToElement(order, PartnerJsonContext.Default.PartnerOrderV1);
        // Removing or renaming any of these breaks every v1 partner: add a field (optional) or a v3 instead.
        Assert.Equal(["orderId", "customer", "lines"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["productId", "productName", "quantity", "unitPrice"], json.GetProperty("lines")[0].EnumerateObject().Select(p => p.Name));
        var reply = JsonSerializer.SerializeToElement(new PartnerOrderAccepted(Guid.Empty, 1), PartnerJsonContext.Default.PartnerOrderAccepted);
        Assert.Equal(["orderId", "position"], reply.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task unknown_extra_fields_from_a_newer_partner_are_ignored()
    {
        var (_, product) = await api.CatalogAsync();
        var body = V1Request.Replace("%ORDER%", Guid.NewGuid().ToString(), StringComparison.Ordinal).Replace("%PRODUCT%", product.ToString(), StringComparison.Ordinal)
            .Replace("{\"orderId\"", "{\"loyaltyCard\":\"x\",\"orderId\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/partner/v1/orders", body)).StatusCode);
    }

    [Fact]
    public async Task v2_adds_the_customer_name_and_v1_still_works_beside_it()
    {
        var (_, product) = await api.CatalogAsync();
        var v2 = new { orderId = Guid.NewGuid(), customer = "acme-7", customerName = "Ada", partnerReference = "R-1", lines = new[] { new { productId = product, productName = "Novel", quantity = 1, unitPrice = 40m } } };
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/partner/v2/orders", JsonSerializer.Serialize(v2, JsonSerializerOptions.Web))).StatusCode);
        var placed = (await api.Store.ReadStreamAsync(Tessera.Storage.StreamName.For("order", new Shop.Orders.OrderId(v2.orderId)), Tessera.Storage.StreamVersion.Start, Tessera.Storage.ReadDirection.Forwards, 1)).Events.Single();
        Assert.Contains("\"customerName\":\"Ada\"", Encoding.UTF8.GetString(placed.Data.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task partner_rule_violations_use_the_same_problem_details()
    {
        var response = await PostAsync("/partner/v1/orders", JsonSerializer.Serialize(new { orderId = Guid.NewGuid(), customer = "acme", lines = Array.Empty<object>() }, JsonSerializerOptions.Web));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("order.no-lines", (await ShopApi.JsonAsync(response)).GetProperty("violations")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(ShopApi.StaffKey)]
    [InlineData(ShopApi.ReaderKey)]
    public async Task only_partner_keys_reach_the_partner_api(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partner/v1/orders") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task a_partner_key_cannot_send_internal_commands() =>
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "X" }, ShopApi.PartnerKey)).StatusCode);

    private async Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", ShopApi.PartnerKey);
        return await api.Http.SendAsync(request);
    }
}

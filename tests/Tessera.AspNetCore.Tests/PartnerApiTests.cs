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
    public void the_v1_query_replies_keep_their_fields()
    {
        var summary = new PartnerOrderSummaryV1(Guid.Empty, "c", "Placed", 1, 1m, DateTimeOffset.UnixEpoch, null);
        var json = JsonSerializer.SerializeToElement(summary, PartnerQueryJsonContext.Default.PartnerOrderSummaryV1);
        // A v1 partner reads exactly these names and kinds; a rename, removal or change of kind must fail here.
        Assert.Equal(V1SummaryFields, Shape(json));
        var page = JsonSerializer.SerializeToElement(new PartnerOrderPageV1([summary], 1, 20), PartnerQueryJsonContext.Default.PartnerOrderPageV1);
        Assert.Equal(["orders:Array", "page:Number", "pageSize:Number"], Shape(page));
        Assert.Equal(V1SummaryFields, Shape(page.GetProperty("orders")[0]));
        var lookup = JsonSerializer.SerializeToElement(new PartnerCustomerOrders("c"), PartnerQueryJsonContext.Default.PartnerCustomerOrders);
        Assert.Equal(["customer:String", "page:Number", "pageSize:Number"], Shape(lookup));
    }

    [Fact]
    public async Task a_v1_order_read_back_with_its_token_has_the_v1_shape_at_once()
    {
        var (_, product) = await api.CatalogAsync();
        var order = Guid.NewGuid();
        var placed = await PostAsync("/partner/v1/orders", V1Request.Replace("%ORDER%", order.ToString(), StringComparison.Ordinal).Replace("%PRODUCT%", product.ToString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var position = (await ShopApi.JsonAsync(placed)).GetProperty("position").GetInt64();
        Assert.Equal(position.ToString(System.Globalization.CultureInfo.InvariantCulture), placed.Headers.GetValues("Tessera-Position").Single());

        var response = await api.GetAsync($"/partner/v1/orders/{order}?minPosition={position}", ShopApi.PartnerKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await ShopApi.JsonAsync(response);
        Assert.Equal(V1SummaryFields, Shape(reply));
        Assert.Equal(order, reply.GetProperty("orderId").GetGuid());
        Assert.Equal("acme-42", reply.GetProperty("customer").GetString());
        Assert.Equal("Placed", reply.GetProperty("status").GetString());
        Assert.Equal(2, reply.GetProperty("itemCount").GetInt32());
        Assert.Equal(80m, reply.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task the_token_in_the_position_header_waits_for_a_payment_and_v2_adds_fields_after_v1s()
    {
        var (_, product) = await api.CatalogAsync();
        var order = Guid.NewGuid();
        (await api.SendAsync("shop.place-order", ShopApi.Order(order, product, customer: "acme-9"))).EnsureSuccessStatusCode();
        var paid = await api.SendAsync("shop.mark-order-as-paid", new { id = order, amount = 120m, paymentReference = "P-1" });
        Assert.Equal(HttpStatusCode.Accepted, paid.StatusCode);
        var token = paid.Headers.GetValues("Tessera-Position").Single();

        var v2 = await api.GetAsync($"/partner/v2/orders/{order}", ShopApi.PartnerKey, r => r.Headers.Add("Tessera-Position", token));
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
        var reply = await ShopApi.JsonAsync(v2);
        Assert.Equal("Paid", reply.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, reply.GetProperty("paidAt").ValueKind);
        // v2 is v1 plus fields at the end: a v1 reader of a v2 reply finds every field it knows, of the same kind.
        var names = reply.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(V1SummaryFields.Select(f => f.Split(':')[0]), names[..V1SummaryFields.Length]);
        Assert.Equal(["customerName", "categories"], names[V1SummaryFields.Length..]);
        Assert.Equal("Alice", reply.GetProperty("customerName").GetString());
        Assert.StartsWith("Books ", reply.GetProperty("categories")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_customers_orders_page_through_v1_and_v2_ignoring_unknown_parameters()
    {
        var (_, product) = await api.CatalogAsync();
        var customer = $"acme-{Guid.NewGuid():N}";
        long position = 0;
        foreach (var _ in Enumerable.Range(0, 3))
        {
            var placed = await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product, customer));
            position = (await ShopApi.JsonAsync(placed)).GetProperty("position").GetInt64();
        }

        var first = await api.GetAsync($"/partner/v1/customers/{customer}/orders?pageSize=2&minPosition={position}&sortBy=whatever&loyalty=1", ShopApi.PartnerKey);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var page = await ShopApi.JsonAsync(first);
        Assert.Equal(["orders", "page", "pageSize"], page.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, page.GetProperty("orders").GetArrayLength());
        Assert.Equal(2, page.GetProperty("pageSize").GetInt32());
        Assert.All(page.GetProperty("orders").EnumerateArray(), o => Assert.Equal(customer, o.GetProperty("customer").GetString()));
        Assert.All(page.GetProperty("orders").EnumerateArray(), o => Assert.False(o.TryGetProperty("customerName", out _)));

        var second = await ShopApi.JsonAsync(await api.GetAsync($"/partner/v2/customers/{customer}/orders?page=2&pageSize=2", ShopApi.PartnerKey));
        Assert.Equal(1, second.GetProperty("orders").GetArrayLength());
        Assert.Equal("Alice", second.GetProperty("orders")[0].GetProperty("customerName").GetString());
    }

    [Theory]
    [InlineData("/partner/v1/orders/not-a-guid", HttpStatusCode.BadRequest)]
    [InlineData("/partner/v1/orders/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    [InlineData("/partner/v1/orders/00000000-0000-0000-0000-000000000001?minPosition=-3", HttpStatusCode.BadRequest)]
    [InlineData("/partner/v1/customers/acme/orders?pageSize=1000", HttpStatusCode.BadRequest)]
    [InlineData("/partner/v1/customers/acme/orders?page=first", HttpStatusCode.BadRequest)]
    [InlineData("/partner/v1/customers/ac%20me/orders", HttpStatusCode.BadRequest)]
    public async Task bad_partner_queries_are_refused_with_4xx(string path, HttpStatusCode expected)
    {
        var response = await api.GetAsync(path, ShopApi.PartnerKey);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task a_partner_query_past_the_head_answers_503_with_retry_after()
    {
        var response = await api.GetAsync($"/partner/v1/orders/{Guid.NewGuid()}?minPosition=999999999", ShopApi.PartnerKey);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
    }

    [Theory]
    [InlineData(ShopApi.StaffKey)]
    [InlineData(ShopApi.ReaderKey)]
    [InlineData(null)]
    public async Task only_partner_keys_reach_the_partner_queries(string? key) =>
        Assert.Equal(key is null ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, (await api.GetAsync($"/partner/v1/orders/{Guid.NewGuid()}", key)).StatusCode);

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

    private static readonly string[] V1SummaryFields =
        ["orderId:String", "customer:String", "status:String", "itemCount:Number", "total:Number", "placedAt:String", "paidAt:Null"];

    /// <summary>Each field as "name:kind", in order.</summary>
    private static string[] Shape(JsonElement json) => [.. json.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}")];

    private async Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", ShopApi.PartnerKey);
        return await api.Http.SendAsync(request);
    }
}

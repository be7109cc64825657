using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

public sealed class WriteApiTests(ShopApi api) : IClassFixture<ShopApi>
{
    [Fact]
    public async Task an_accepted_command_answers_202_with_its_position_and_stream_version()
    {
        var response = await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = $"Games {Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await ShopApi.JsonAsync(response);
        var position = body.GetProperty("position").GetInt64();
        Assert.True(position > 0);
        Assert.Equal(0, body.GetProperty("streamVersion").GetInt64());
        Assert.Equal(position.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(response.Headers.GetValues("Tessera-Position")));
    }

    [Fact]
    public async Task broken_rules_answer_422_with_every_rule_code_and_field()
    {
        var response = await api.SendAsync("shop.place-order", new { id = Guid.NewGuid(), customerId = "alice", customerName = " ", lines = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var violations = (await ShopApi.JsonAsync(response)).GetProperty("violations").EnumerateArray().ToList();
        Assert.Equal(["order.customer-name-missing", "order.no-lines"], violations.Select(v => v.GetProperty("code").GetString()).Order());
        Assert.Contains(violations, v => v.GetProperty("field").GetString() == "customerName");
    }

    [Fact]
    public async Task a_second_order_under_the_same_id_answers_409()
    {
        var (_, product) = await api.CatalogAsync();
        var order = ShopApi.Order(Guid.NewGuid(), product);
        Assert.Equal(HttpStatusCode.Accepted, (await api.SendAsync("shop.place-order", order)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.SendAsync("shop.place-order", order)).StatusCode);
    }

    [Fact]
    public async Task paying_an_order_that_does_not_exist_answers_404()
    {
        var response = await api.SendAsync("shop.mark-order-as-paid", new { id = Guid.NewGuid(), amount = 10m, paymentReference = "P" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task an_unknown_command_name_answers_404()
    {
        var response = await api.SendAsync("shop.launch-rocket", new { });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("shop.launch-rocket", (await ShopApi.JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\": ")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    [InlineData("null")]
    public async Task a_body_that_is_not_a_json_object_answers_400(string body) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await api.SendRawAsync("shop.add-category", body)).StatusCode);

    [Fact]
    public async Task missing_fields_answer_400_naming_them()
    {
        var response = await api.SendRawAsync("shop.place-order", $"{{\"id\":\"{Guid.NewGuid()}\"}}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await ShopApi.JsonAsync(response)).GetProperty("fields").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Equal(["customerId", "customerName", "lines"], fields.Order());
    }

    [Theory]
    [InlineData("{\"id\":\"not-a-guid\",\"name\":\"x\"}", "id")]
    [InlineData("{\"id\":\"6a3c5c2e-8a1f-4c5e-9b6f-3f0c2b1a4d5e\",\"name\":42}", "name")]
    [InlineData("{\"id\":\"6a3c5c2e-8a1f-4c5e-9b6f-3f0c2b1a4d5e\",\"name\":null}", "name")]
    public async Task a_value_of_the_wrong_type_answers_400_naming_the_field(string body, string field)
    {
        var response = await api.SendRawAsync("shop.add-category", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await ShopApi.JsonAsync(response)).GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task a_nested_field_of_the_wrong_type_is_named_with_its_path()
    {
        var body = $"{{\"id\":\"{Guid.NewGuid()}\",\"customerId\":\"alice\",\"customerName\":\"A\",\"lines\":[{{\"productId\":\"{Guid.NewGuid()}\",\"productName\":\"N\",\"quantity\":\"three\",\"unitPrice\":1}}]}}";
        var response = await api.SendRawAsync("shop.place-order", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("lines[0].quantity", (await ShopApi.JsonAsync(response)).GetProperty("fields")[0].GetString());
    }

    [Fact]
    public async Task unknown_extra_fields_are_ignored()
    {
        var response = await api.SendRawAsync("shop.add-category", $"{{\"id\":\"{Guid.NewGuid()}\",\"name\":\"Extra {Guid.NewGuid():N}\",\"colour\":\"blue\"}}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task a_body_that_is_not_json_answers_415() =>
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await api.SendRawAsync("shop.add-category", "{}", contentType: "text/plain")).StatusCode);

    [Fact]
    public async Task a_body_over_the_limit_answers_413_and_changes_nothing()
    {
        var head = await api.Store.ReadHeadAsync();
        var response = await api.SendRawAsync("shop.add-category", $"{{\"id\":\"{Guid.NewGuid()}\",\"name\":\"{new string('x', (int)ShopApi.MaxBody)}\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(head, await api.Store.ReadHeadAsync());
    }

    [Fact]
    public async Task json_nested_too_deep_answers_400()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.SendRawAsync("shop.add-category", deep)).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("tsk_not_a_key", HttpStatusCode.Unauthorized)]
    [InlineData(ShopApi.ReaderKey, HttpStatusCode.Forbidden)]
    [InlineData(ShopApi.PartnerKey, HttpStatusCode.Forbidden)]
    public async Task commands_need_a_key_with_the_write_scope(string? key, HttpStatusCode expected) =>
        Assert.Equal(expected, (await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "Nope" }, key)).StatusCode);

    [Fact]
    public async Task per_command_rules_decide_who_may_send_what()
    {
        var (_, product) = await api.CatalogAsync();
        var forOther = await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product, customer: "bob"), ShopApi.CustomerKey);
        var forSelf = await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product, customer: "alice"), ShopApi.CustomerKey);
        var staffOnly = await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "Mine" }, ShopApi.CustomerKey);
        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forSelf.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, staffOnly.StatusCode);
    }

    [Fact]
    public async Task the_same_idempotency_key_gets_the_first_result_and_appends_nothing()
    {
        var (_, product) = await api.CatalogAsync();
        var id = Guid.NewGuid();
        (await api.SendAsync("shop.place-order", ShopApi.Order(id, product))).EnsureSuccessStatusCode();
        var key = Guid.NewGuid().ToString();
        var pay = new { id, amount = 120m, paymentReference = "PAY-7" };
        var first = await api.SendAsync("shop.mark-order-as-paid", pay, configure: r => r.Headers.Add("Idempotency-Key", key));
        var head = await api.Store.ReadHeadAsync();
        var second = await api.SendAsync("shop.mark-order-as-paid", pay, configure: r => r.Headers.Add("Idempotency-Key", key));
        var withoutKey = await api.SendAsync("shop.mark-order-as-paid", pay);

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal((await ShopApi.JsonAsync(first)).GetProperty("position").GetInt64(), (await ShopApi.JsonAsync(second)).GetProperty("position").GetInt64());
        Assert.Equal(head, await api.Store.ReadHeadAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withoutKey.StatusCode);
    }

    [Fact]
    public async Task over_its_rate_a_key_gets_429_with_retry_after()
    {
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await api.SendAsync("shop.nope", new { }, ShopApi.SlowKey);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }
        Assert.NotNull(limited);
        Assert.True(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task every_mapped_endpoint_but_health_answers_401_without_a_key()
    {
        var endpoints = api.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/health", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var path = string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l ? l.Content : "x"))));
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), "/" + path);
                var response = await api.Http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} /{path} answered {response.StatusCode}");
            }
        }
    }
}

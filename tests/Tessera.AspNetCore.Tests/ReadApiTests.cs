using System.Net;
using System.Text.Json;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>GET /queries/{name} and /projections through real HTTP, on the Shop read models in SQLite.</summary>
public sealed class ReadApiTests(ShopApi api) : IClassFixture<ShopApi>
{
    [Fact]
    public async Task a_query_with_the_commands_token_sees_the_command_at_once()
    {
        var (_, product) = await api.CatalogAsync();
        var id = Guid.NewGuid();
        var placed = await api.SendAsync("shop.place-order", ShopApi.Order(id, product, customer: "read-" + id.ToString("N")[..8], quantity: 2));
        var token = placed.Headers.GetValues("Tessera-Position").Single();

        using var reply = await api.GetAsync($"/queries/shop.get-order-summary?id={id}&minPosition={token}", ShopApi.ReaderKey);

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var summary = await ShopApi.JsonAsync(reply);
        Assert.Equal(id, summary.GetProperty("orderId").GetGuid());
        Assert.Equal(2, summary.GetProperty("itemCount").GetInt32());
        Assert.Equal(80m, summary.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task the_token_also_travels_in_the_tessera_position_header()
    {
        var (_, product) = await api.CatalogAsync();
        var id = Guid.NewGuid();
        var placed = await api.SendAsync("shop.place-order", ShopApi.Order(id, product));
        var token = placed.Headers.GetValues("Tessera-Position").Single();

        using var reply = await api.GetAsync($"/queries/shop.get-order-summary?id={id}", ShopApi.ReaderKey, r => r.Headers.Add("Tessera-Position", token));

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
    }

    [Fact]
    public async Task a_token_the_read_models_cannot_reach_in_time_answers_503_with_retry_after_and_no_data()
    {
        using var reply = await api.GetAsync($"/queries/shop.get-order-summary?id={Guid.NewGuid()}&minPosition=999999999", ShopApi.ReaderKey);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.StatusCode);
        Assert.Equal("1", reply.Headers.GetValues("Retry-After").Single());
        var problem = await ShopApi.JsonAsync(reply);
        Assert.Equal("Not yet consistent", problem.GetProperty("title").GetString());
        Assert.Equal(999999999, problem.GetProperty("minPosition").GetInt64());
        Assert.True(problem.GetProperty("reached").GetInt64() < 999999999);
    }

    [Fact]
    public async Task an_unchanged_answer_is_304_for_its_etag_and_a_changed_one_is_not()
    {
        var (_, product) = await api.CatalogAsync();
        var id = Guid.NewGuid();
        var token = (await api.SendAsync("shop.place-order", ShopApi.Order(id, product))).Headers.GetValues("Tessera-Position").Single();
        using var first = await api.GetAsync($"/queries/shop.get-order-summary?id={id}&minPosition={token}", ShopApi.ReaderKey);
        var etag = first.Headers.ETag!.Tag;

        using var again = await api.GetAsync($"/queries/shop.get-order-summary?id={id}", ShopApi.ReaderKey, r => r.Headers.Add("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());

        var paid = await api.SendAsync("shop.mark-order-as-paid", new { id, amount = 120m, paymentReference = "PAY-" + id.ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Accepted, paid.StatusCode);
        var paidAt = paid.Headers.GetValues("Tessera-Position").Single();
        using var changed = await api.GetAsync($"/queries/shop.get-order-summary?id={id}&minPosition={paidAt}", ShopApi.ReaderKey, r => r.Headers.Add("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task paging_parameters_bind_as_numbers_and_ids_as_strings()
    {
        var (_, product) = await api.CatalogAsync();
        var customer = "pager-" + Guid.NewGuid().ToString("N")[..8];
        string token = "0";
        for (var i = 0; i < 3; i++)
        {
            token = (await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product, customer))).Headers.GetValues("Tessera-Position").Single();
        }

        using var reply = await api.GetAsync($"/queries/shop.list-orders-by-customer?customerId={customer}&page=2&pageSize=2&minPosition={token}", ShopApi.ReaderKey);

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var page = await ShopApi.JsonAsync(reply);
        var items = page.EnumerateObject().First(p => p.Value.ValueKind == JsonValueKind.Array).Value;
        Assert.Equal(1, items.GetArrayLength());
    }

    [Fact]
    public async Task an_order_nobody_placed_is_404()
    {
        using var reply = await api.GetAsync($"/queries/shop.get-order-summary?id={Guid.NewGuid()}", ShopApi.ReaderKey);
        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
    }

    [Theory]
    [InlineData("/queries/shop.no-such-query", HttpStatusCode.NotFound, null)]
    [InlineData("/queries/shop.get-order-summary", HttpStatusCode.BadRequest, "id")]
    [InlineData("/queries/shop.get-order-summary?id=not-a-guid", HttpStatusCode.BadRequest, "id")]
    [InlineData("/queries/shop.get-order-summary?id=6a0c6a3e-3d1b-4a55-9a39-0f2f4c2b8e11&color=red", HttpStatusCode.BadRequest, "color")]
    [InlineData("/queries/shop.list-orders-by-customer?customerId=alice&pageSize=many", HttpStatusCode.BadRequest, "pageSize")]
    [InlineData("/queries/shop.list-orders-by-customer?customerId=alice&page=1.5", HttpStatusCode.BadRequest, "page")]
    [InlineData("/queries/shop.get-order-summary?id=6a0c6a3e-3d1b-4a55-9a39-0f2f4c2b8e11&minPosition=-1", HttpStatusCode.BadRequest, "minPosition")]
    [InlineData("/queries/shop.get-order-summary?id=6a0c6a3e-3d1b-4a55-9a39-0f2f4c2b8e11&minPosition=soon", HttpStatusCode.BadRequest, "minPosition")]
    public async Task bad_query_input_is_a_4xx_naming_the_parameter(string path, HttpStatusCode status, string? field)
    {
        using var reply = await api.GetAsync(path, ShopApi.ReaderKey);

        Assert.Equal(status, reply.StatusCode);
        var problem = await ShopApi.JsonAsync(reply);
        Assert.False(problem.TryGetProperty("exception", out _));
        if (field is not null)
        {
            Assert.Contains(field, problem.GetProperty("fields").EnumerateArray().Select(f => f.GetString()), StringComparer.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ShopApi.PartnerKey, HttpStatusCode.Forbidden)]
    [InlineData(ShopApi.SlowKey, HttpStatusCode.Forbidden)]
    public async Task queries_need_the_read_scope(string? key, HttpStatusCode status)
    {
        using var reply = await api.GetAsync("/queries/shop.list-categories", key);
        Assert.Equal(status, reply.StatusCode);
    }

    [Fact]
    public async Task projections_list_their_state_checkpoint_and_lag()
    {
        var (_, product) = await api.CatalogAsync();
        var token = (await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product))).Headers.GetValues("Tessera-Position").Single();
        var position = long.Parse(token, System.Globalization.CultureInfo.InvariantCulture);

        // The token's query waits only for its own projection; the list is read until every projection has passed it.
        List<System.Text.Json.JsonElement> all;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var reply = await api.GetAsync("/projections", ShopApi.ReaderKey);
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            all = (await ShopApi.JsonAsync(reply)).EnumerateArray().ToList();
            if (all.TrueForAll(p => p.GetProperty("checkpoint").GetInt64() >= position) || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(20);
        }

        Assert.NotEmpty(all);
        Assert.All(all, p =>
        {
            Assert.False(string.IsNullOrEmpty(p.GetProperty("name").GetString()));
            Assert.NotEqual("Failed", p.GetProperty("state").GetString());
            Assert.True(p.GetProperty("checkpoint").GetInt64() >= position);
            Assert.True(p.GetProperty("lagEvents").GetInt64() >= 0);
        });
    }

    [Fact]
    public async Task operator_actions_need_the_admin_scope_and_name_a_projection()
    {
        using var list = await api.GetAsync("/projections", ShopApi.ReaderKey);
        var name = (await ShopApi.JsonAsync(list)).EnumerateArray().First().GetProperty("name").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync($"/projections/{name}/rebuild", ShopApi.ReaderKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync($"/projections/{name}/skip", ShopApi.PartnerKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/projections/no-such.v1/retry", ShopApi.StaffKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/projections/{name}/skip", ShopApi.StaffKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/projections/no-such.v1", ShopApi.ReaderKey)).StatusCode);
    }

    [Fact]
    public async Task a_rebuild_runs_while_queries_answer_and_completes()
    {
        var (_, product) = await api.CatalogAsync();
        var id = Guid.NewGuid();
        var token = (await api.SendAsync("shop.place-order", ShopApi.Order(id, product))).Headers.GetValues("Tessera-Position").Single();
        using var list = await api.GetAsync("/projections", ShopApi.ReaderKey);
        var name = (await ShopApi.JsonAsync(list)).EnumerateArray().Select(p => p.GetProperty("name").GetString()!).First(n => n.Contains("order", StringComparison.OrdinalIgnoreCase));

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/projections/{name}/rebuild", ShopApi.StaffKey)).StatusCode);
        string? state = null;
        for (var i = 0; i < 600 && state != "Completed"; i++)
        {
            using var query = await api.GetAsync($"/queries/shop.get-order-summary?id={id}&minPosition={token}", ShopApi.ReaderKey);
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
            using var status = await api.GetAsync($"/projections/{name}", ShopApi.ReaderKey);
            state = (await ShopApi.JsonAsync(status)).GetProperty("rebuild").GetProperty("state").GetString();
            Assert.NotEqual("Failed", state);
            await Task.Delay(50);
        }
        Assert.Equal("Completed", state);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

public sealed class SignatureApiTests(ShopApi api) : IClassFixture<ShopApi>
{
    [Fact]
    public async Task a_refund_above_the_limit_without_a_signature_answers_428()
    {
        var order = await PaidOrderAsync();
        var response = await api.SendAsync("shop.refund-order", Refund(order));
        Assert.Equal(HttpStatusCode.PreconditionRequired, response.StatusCode);
    }

    [Fact]
    public async Task a_wrong_password_answers_403_and_appends_no_event()
    {
        var order = await PaidOrderAsync();
        var stream = StreamName.For("order", new Shop.Orders.OrderId(order));
        var before = (await api.Store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100)).LastVersion;
        var response = await api.SendAsync("shop.refund-order", Refund(order), configure: Signed("approved", password: "wrong"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, (await api.Store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100)).LastVersion);
    }

    [Fact]
    public async Task a_signature_with_the_password_is_recorded_in_the_event_metadata()
    {
        var order = await PaidOrderAsync();
        var response = await api.SendAsync("shop.refund-order", Refund(order), configure: Signed("approved", password: ShopApi.StaffPassword));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var refunded = await LastEventAsync(order);
        Assert.Equal(("sam", "approved", "password"), (refunded.Metadata.Signature!.Signer, refunded.Metadata.Signature.Meaning, refunded.Metadata.Signature.Method));
    }

    [Fact]
    public async Task a_token_from_the_challenge_signs_exactly_that_command_once()
    {
        var order = await PaidOrderAsync();
        var token = await ChallengeAsync(Refund(order));

        var changed = await api.SendAsync("shop.refund-order", Refund(order, amount: 119m), configure: Signed("approved", token: token));
        var signed = await api.SendAsync("shop.refund-order", Refund(order), configure: Signed("approved", token: token));
        var replayed = await api.SendAsync("shop.refund-order", Refund(order), configure: Signed("approved", token: token));

        Assert.Equal(HttpStatusCode.Forbidden, changed.StatusCode);
        Assert.Contains("different command", (await ShopApi.JsonAsync(changed)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Contains("already used", (await ShopApi.JsonAsync(replayed)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("token", (await LastEventAsync(order)).Metadata.Signature!.Method, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_challenge_with_a_wrong_password_answers_403_and_is_audited()
    {
        var order = await PaidOrderAsync();
        using var response = await api.Http.SendAsync(Challenge(Refund(order), "wrong"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var trail = new List<SignatureAuditEntry>();
        await foreach (var entry in api.Services.GetRequiredService<SignatureAudit>().ReadAsync())
        {
            trail.Add(entry);
        }
        Assert.Contains(trail, e => !e.Verified && e.Detail.StartsWith("challenge:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_malformed_signature_header_answers_400()
    {
        var order = await PaidOrderAsync();
        var response = await api.SendAsync("shop.refund-order", Refund(order), configure: r => r.Headers.Add("Tessera-Signature", "sam:approved"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static object Refund(Guid order, decimal amount = 120m) => new { id = order, amount, reason = "Damaged" };

    private static Action<HttpRequestMessage> Signed(string meaning, string? password = null, string? token = null) =>
        request => request.Headers.Add("Tessera-Signature", JsonSerializer.Serialize(new { signer = "sam", meaning, password, token }));

    private static HttpRequestMessage Challenge(object payload, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/signatures/challenge")
        {
            Content = JsonContent.Create(new { command = "shop.refund-order", payload, signer = "sam", meaning = "approved", password }),
        };
        request.Headers.Add("X-Api-Key", ShopApi.StaffKey);
        return request;
    }

    private async Task<string> ChallengeAsync(object payload)
    {
        using var request = Challenge(payload, ShopApi.StaffPassword);
        var response = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ShopApi.JsonAsync(response)).GetProperty("token").GetString()!;
    }

    private async Task<Guid> PaidOrderAsync()
    {
        var (_, product) = await api.CatalogAsync();
        var id = Guid.NewGuid();
        (await api.SendAsync("shop.place-order", ShopApi.Order(id, product, quantity: 6))).EnsureSuccessStatusCode();
        (await api.SendAsync("shop.mark-order-as-paid", new { id, amount = 240m, paymentReference = "PAY-1" })).EnsureSuccessStatusCode();
        return id;
    }

    private async Task<RecordedEvent> LastEventAsync(Guid order) =>
        (await api.Store.ReadStreamAsync(StreamName.For("order", new Shop.Orders.OrderId(order)), StreamVersion.End, ReadDirection.Backwards, 1)).Events.Single();
}

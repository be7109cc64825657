using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>The Shop host accepting JWT bearer tokens from a test issuer beside its API keys.</summary>
public sealed class JwtShopApi : ShopApi
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "tessera-shop";

    public RSA IssuerKey { get; } = RSA.Create(2048);

    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings() =>
    [
        new("Tessera:Api:Jwt:Issuer", Issuer),
        new("Tessera:Api:Jwt:Audience", Audience),
        new("Tessera:Api:Jwt:SigningKeyPem", IssuerKey.ExportSubjectPublicKeyInfoPem()),
    ];

    /// <summary>A token signed with <paramref name="key"/> (the issuer's own by default).</summary>
    public string Token(string subject, string scope, string[] roles, RSA? key = null, string issuer = Issuer, string audience = Audience, DateTime? expires = null)
    {
        var claims = new List<Claim> { new("sub", subject), new("scope", scope) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = expires is null ? now.AddMinutes(-1) : expires.Value.AddMinutes(-10),
            IssuedAt = expires is null ? now.AddMinutes(-1) : expires.Value.AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? IssuerKey), SecurityAlgorithms.RsaSha256),
        });
    }
}

public sealed class JwtBearerTests(JwtShopApi api) : IClassFixture<JwtShopApi>
{
    [Fact]
    public async Task a_token_with_write_and_read_scopes_places_its_users_order_and_reads_it_back()
    {
        var (_, product) = await api.CatalogAsync();
        var token = api.Token("alice", "write read", ["customer"]);
        var order = Guid.NewGuid();
        var placed = await api.SendAsync("shop.place-order", ShopApi.Order(order, product, "alice"), key: null, configure: r => Bearer(r, token));
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var position = placed.Headers.GetValues("Tessera-Position").Single();

        using var read = await api.GetAsync($"/queries/shop.get-order-summary?id={order}&minPosition={position}", key: null, r => Bearer(r, token));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("alice", (await ShopApi.JsonAsync(read)).GetProperty("customerId").GetString());

        // The token's subject is the user the events record.
        var stored = (await api.Store.ReadStreamAsync(Tessera.Storage.StreamName.For("order", new Shop.Orders.OrderId(order)), Tessera.Storage.StreamVersion.Start, Tessera.Storage.ReadDirection.Forwards, 1)).Events.Single();
        Assert.Equal("alice", stored.Metadata.User);
    }

    [Fact]
    public async Task the_commands_own_rules_see_the_tokens_user_and_roles()
    {
        var (_, product) = await api.CatalogAsync();
        // A customer may place orders only for themselves.
        var bob = await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product, "bob"), key: null, configure: r => Bearer(r, api.Token("alice", "write", ["customer"])));
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
    }

    [Fact]
    public async Task scopes_come_from_the_claim_and_only_tesseras_count()
    {
        var readOnly = api.Token("rita", "read profile:edit", ["staff"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "X" }, key: null, configure: r => Bearer(r, readOnly))).StatusCode);
        using var projections = await api.GetAsync("/projections", key: null, r => Bearer(r, readOnly));
        Assert.Equal(HttpStatusCode.OK, projections.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync("/projections/order-summaries.v1/retry", readOnly)).StatusCode);
        var admin = api.Token("sam", "read admin", ["staff"]);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync("/projections/order-summaries.v1/retry", admin)).StatusCode);

        var partner = api.Token("acme", "partner", ["partner"]);
        using var partnerRead = await api.GetAsync($"/partner/v1/orders/{Guid.NewGuid()}", key: null, r => Bearer(r, partner));
        Assert.Equal(HttpStatusCode.NotFound, partnerRead.StatusCode);
        using var internalRead = await api.GetAsync("/projections", key: null, r => Bearer(r, partner));
        Assert.Equal(HttpStatusCode.Forbidden, internalRead.StatusCode);
    }

    [Fact]
    public async Task a_token_that_is_expired_foreign_for_another_audience_or_altered_is_refused_with_401_and_nothing_appended()
    {
        using var stranger = RSA.Create(2048);
        var valid = api.Token("sam", "write read admin", ["staff"]);
        var payloadStart = valid.IndexOf('.', StringComparison.Ordinal) + 1;
        var altered = valid[..payloadStart] + (valid[payloadStart] == 'e' ? 'f' : 'e') + valid[(payloadStart + 1)..];
        string[] refused =
        [
            api.Token("sam", "write read admin", ["staff"], expires: DateTime.UtcNow.AddMinutes(-5)),
            api.Token("sam", "write read admin", ["staff"], key: stranger),
            api.Token("sam", "write read admin", ["staff"], audience: "another-api"),
            api.Token("sam", "write read admin", ["staff"], issuer: "https://elsewhere.test"),
            altered,
            "not-a-jwt",
        ];
        var head = await api.Store.ReadHeadAsync();
        foreach (var token in refused)
        {
            var response = await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = "Y" }, key: null, configure: r => Bearer(r, token));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(head, await api.Store.ReadHeadAsync());
        Assert.Equal(HttpStatusCode.Accepted, (await api.SendAsync("shop.add-category", new { id = Guid.NewGuid(), name = $"Z {Guid.NewGuid():N}" }, key: null, configure: r => Bearer(r, valid))).StatusCode);
    }

    [Fact]
    public async Task api_keys_keep_working_beside_tokens() =>
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/projections", ShopApi.ReaderKey)).StatusCode);

    private async Task<HttpResponseMessage> PostAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        Bearer(request, token);
        return await api.Http.SendAsync(request);
    }

    private static void Bearer(HttpRequestMessage request, string token) =>
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Storage;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>Every command, every field broken in every way: only 4xx (or a normal 202/422), never 5xx, and a refused command changes nothing.</summary>
public sealed class BadInputTests(ShopApi api) : IClassFixture<ShopApi>
{
    private static readonly JsonNode?[] BadValues =
    [
        null, JsonValue.Create(42), JsonValue.Create(-1.5e300), JsonValue.Create("x"), JsonValue.Create(""), JsonValue.Create(true),
        new JsonArray(), new JsonArray(JsonValue.Create(1), null), new JsonObject(), JsonValue.Create(new string('z', 5_000)),
        JsonValue.Create("00000000-0000-0000-0000-000000000000"), JsonValue.Create("😀 ünïcødé"),
    ];

    public static TheoryData<string> Commands() => ["shop.place-order", "shop.mark-order-as-paid", "shop.ship-order", "shop.cancel-order", "shop.refund-order", "shop.add-category", "shop.rename-category", "shop.add-product", "shop.change-product-price"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task every_broken_field_is_refused_with_4xx_and_changes_nothing(string command)
    {
        var valid = Template(command);
        foreach (var body in Mutations(valid))
        {
            var head = await api.Store.ReadHeadAsync();
            var response = await api.SendRawAsync(command, body);
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{command} {body[..Math.Min(body.Length, 200)]} answered {status}");
            if (status is >= 400 and < 500)
            {
                Assert.Equal(head, await api.Store.ReadHeadAsync());
                Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task bad_keys_of_every_shape_answer_401()
    {
        foreach (var key in new[] { "", " ", new string('k', 10_000), "tsk_%%%;,", "ApiKey", ShopApi.StaffKey + " " })
        {
            var response = await api.SendRawAsync("shop.add-category", "{}", configure: r => r.Headers.TryAddWithoutValidation("X-Api-Key", key), key: null);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"key '{key[..Math.Min(10, key.Length)]}' answered {response.StatusCode}");
        }
    }

    private static IEnumerable<string> Mutations(JsonObject valid)
    {
        foreach (var field in valid.Select(p => p.Key).ToList())
        {
            var without = (JsonObject)valid.DeepClone();
            without.Remove(field);
            yield return without.ToJsonString();
            foreach (var bad in BadValues)
            {
                var changed = (JsonObject)valid.DeepClone();
                changed[field] = bad?.DeepClone();
                yield return changed.ToJsonString();
            }
        }
        yield return "{" + string.Concat(Enumerable.Repeat("\"a\":{", 40)) + new string('}', 41);
        yield return valid.ToJsonString()[..^2];
    }

    private static JsonObject Template(string command)
    {
        var id = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        var json = command switch
        {
            "shop.place-order" => $$"""{"id":"{{id}}","customerId":"sam","customerName":"Sam","lines":[{"productId":"{{other}}","productName":"N","quantity":1,"unitPrice":2}]}""",
            "shop.mark-order-as-paid" => $$"""{"id":"{{id}}","amount":2,"paymentReference":"P"}""",
            "shop.ship-order" => $$"""{"id":"{{id}}","carrier":"Post"}""",
            "shop.cancel-order" => $$"""{"id":"{{id}}","reason":"R"}""",
            "shop.refund-order" => $$"""{"id":"{{id}}","amount":2,"reason":"R"}""",
            "shop.add-category" or "shop.rename-category" => $$"""{"id":"{{id}}","name":"N {{id}}"}""",
            "shop.add-product" => $$"""{"id":"{{id}}","categoryId":"{{other}}","name":"N","price":2}""",
            "shop.change-product-price" => $$"""{"id":"{{id}}","price":2}""",
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        return JsonNode.Parse(json)!.AsObject();
    }
}

/// <summary>A host whose event store fails every append, for what an internal error looks like from outside.</summary>
public sealed class BrokenStoreApi : ShopApi
{
    protected override IEventStore CreateStore() => new BrokenStore();

    private sealed class BrokenStore : IEventStore
    {
        private readonly InMemoryEventStore _inner = new();

        public ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
            throw new IOException("disk on fire at /secret/path");

        public ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default) => _inner.ReadStreamAsync(stream, from, direction, maxCount, cancellationToken);

        public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) => _inner.ReadAllAsync(after, maxCount, cancellationToken);

        public ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default) => _inner.ReadEventAsync(eventId, cancellationToken);

        public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default) => _inner.ReadHeadAsync(cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, CancellationToken cancellationToken = default) => _inner.SubscribeAsync(after, maxBatch, cancellationToken);
    }
}

public sealed class InternalErrorTests(BrokenStoreApi api) : IClassFixture<BrokenStoreApi>
{
    [Fact]
    public async Task an_internal_error_answers_500_problem_details_without_exception_text()
    {
        var response = await api.SendAsync("shop.mark-order-as-paid", new { id = Guid.NewGuid(), amount = 1m, paymentReference = "P" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        response = await api.SendRawAsync("shop.add-category", $"{{\"id\":\"{Guid.NewGuid()}\",\"name\":\"N\"}}");
        text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("disk on fire", text, StringComparison.Ordinal);
        Assert.DoesNotContain("IOException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.Equal(500, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
    }
}

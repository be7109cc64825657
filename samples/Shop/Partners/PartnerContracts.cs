using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Orders;
using Shop.Products;

namespace Shop.Partners;

/// <summary>Version 1 of a partner's order: what partners integrated first. Never remove or rename a field here.</summary>
public sealed record PartnerOrderV1(Guid OrderId, string Customer, IReadOnlyList<PartnerOrderLineV1> Lines);

/// <summary>One line of a version 1 partner order.</summary>
public sealed record PartnerOrderLineV1(Guid ProductId, string ProductName, int Quantity, decimal UnitPrice);

/// <summary>Version 2 only adds fields: the customer's display name and the partner's own reference.</summary>
public sealed record PartnerOrderV2(Guid OrderId, string Customer, IReadOnlyList<PartnerOrderLineV1> Lines, string? CustomerName = null, string? PartnerReference = null);

/// <summary>The reply to an accepted partner order.</summary>
public sealed record PartnerOrderAccepted(Guid OrderId, long Position);

/// <summary>Maps the partner contracts onto the Shop's own commands; the contracts change only by adding fields.</summary>
public static class PartnerMapping
{
    /// <summary>A version 1 order becomes PlaceOrder; the customer id doubles as the name, which v1 did not carry.</summary>
    public static PlaceOrder ToCommand(PartnerOrderV1 order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new PlaceOrder(new OrderId(order.OrderId), CustomerIdOf(order.Customer), order.Customer, Lines(order.Lines));
    }

    /// <summary>A version 2 order becomes PlaceOrder with the customer's name when given.</summary>
    public static PlaceOrder ToCommand(PartnerOrderV2 order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new PlaceOrder(new OrderId(order.OrderId), CustomerIdOf(order.Customer), order.CustomerName ?? order.Customer, Lines(order.Lines));
    }

    private static CustomerId CustomerIdOf(string customer) =>
        CustomerId.TryParse(customer, out var id) ? id : throw new JsonException("'customer' must be a user name without spaces.");

    private static OrderLine[] Lines(IReadOnlyList<PartnerOrderLineV1> lines) =>
        [.. lines.Select(l => new OrderLine(new ProductId(l.ProductId), l.ProductName, l.Quantity, l.UnitPrice))];
}

/// <summary>Source-generated JSON for the partner contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PartnerOrderV1))]
[JsonSerializable(typeof(PartnerOrderV2))]
[JsonSerializable(typeof(PartnerOrderAccepted))]
public sealed partial class PartnerJsonContext : JsonSerializerContext;

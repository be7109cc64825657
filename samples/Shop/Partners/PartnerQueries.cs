using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Orders;
using Shop.ReadModels.OrderSummaries;

namespace Shop.Partners;

/// <summary>A partner's question "how is this order?", bound from the route; the same in v1 and v2.</summary>
public sealed record PartnerOrderLookup(Guid OrderId);

/// <summary>A partner's question "which orders does this customer have?", newest first, one page at a time.</summary>
public sealed record PartnerCustomerOrders(string Customer, int Page = 1, int PageSize = 20);

/// <summary>Version 1 of an order as partners read it. Never remove or rename a field here.</summary>
public sealed record PartnerOrderSummaryV1(Guid OrderId, string Customer, string Status, int ItemCount, decimal Total, DateTimeOffset PlacedAt, DateTimeOffset? PaidAt);

/// <summary>Version 2 only adds fields after v1's: the customer's name and the names of the order's categories.</summary>
public sealed record PartnerOrderSummaryV2(Guid OrderId, string Customer, string Status, int ItemCount, decimal Total, DateTimeOffset PlacedAt, DateTimeOffset? PaidAt, string CustomerName, IReadOnlyList<string> Categories);

/// <summary>One page of a customer's orders in version 1.</summary>
public sealed record PartnerOrderPageV1(IReadOnlyList<PartnerOrderSummaryV1> Orders, int Page, int PageSize);

/// <summary>One page of a customer's orders in version 2 (its orders carry v2's added fields).</summary>
public sealed record PartnerOrderPageV2(IReadOnlyList<PartnerOrderSummaryV2> Orders, int Page, int PageSize);

/// <summary>Maps partner questions onto the Shop's queries and the read models' rows onto the partner DTOs.</summary>
public static class PartnerQueryMapping
{
    /// <summary>The order summary query for a lookup.</summary>
    public static GetOrderSummary ToQuery(PartnerOrderLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return new GetOrderSummary(new OrderId(lookup.OrderId));
    }

    /// <summary>The customer's orders query; a customer that is not a user name is refused naming the field.</summary>
    public static ListOrdersByCustomer ToQuery(PartnerCustomerOrders request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CustomerId.TryParse(request.Customer, out var customer)
            ? new ListOrdersByCustomer(customer, request.Page, request.PageSize)
            : throw new JsonException("'customer' must be a user name without spaces.");
    }

    /// <summary>A summary row as v1 shows it.</summary>
    public static PartnerOrderSummaryV1 ToV1(OrderSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(summary.OrderId, summary.CustomerId, summary.Status, summary.ItemCount, summary.Total, summary.PlacedAt, summary.PaidAt);
    }

    /// <summary>A summary row as v2 shows it.</summary>
    public static PartnerOrderSummaryV2 ToV2(OrderSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var categories = summary.CategoryNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new(summary.OrderId, summary.CustomerId, summary.Status, summary.ItemCount, summary.Total, summary.PlacedAt, summary.PaidAt, summary.CustomerName, categories);
    }

    /// <summary>A page of summaries as v1 shows it.</summary>
    public static PartnerOrderPageV1 ToV1(OrderSummaryPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new([.. page.Items.Select(ToV1)], page.Page, page.PageSize);
    }

    /// <summary>A page of summaries as v2 shows it.</summary>
    public static PartnerOrderPageV2 ToV2(OrderSummaryPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new([.. page.Items.Select(ToV2)], page.Page, page.PageSize);
    }
}

/// <summary>Source-generated JSON for the partner query contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PartnerOrderLookup))]
[JsonSerializable(typeof(PartnerCustomerOrders))]
[JsonSerializable(typeof(PartnerOrderSummaryV1))]
[JsonSerializable(typeof(PartnerOrderSummaryV2))]
[JsonSerializable(typeof(PartnerOrderPageV1))]
[JsonSerializable(typeof(PartnerOrderPageV2))]
public sealed partial class PartnerQueryJsonContext : JsonSerializerContext;

using Shop.Partners;
using Shop.ReadModels.OrderSummaries;
using Tessera.AspNetCore.PartnerApi;

namespace Shop.Host;

/// <summary>The Shop's partner API: v1 and v2 of placing an order and of reading orders, all kept mapped.</summary>
public static class ShopPartnerApi
{
    /// <summary>Maps POST /partner/vN/orders, GET /partner/vN/orders/{orderId} and GET /partner/vN/customers/{customer}/orders.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapPartnerVersion(1);
        v1.MapPartnerCommand<PartnerOrderV1>("/orders", PartnerMapping.ToCommand, (order, result) => new PartnerOrderAccepted(order.OrderId, result.Position.Value));
        v1.MapPartnerQuery<PartnerOrderLookup, OrderSummary?>("/orders/{orderId}", PartnerQueryMapping.ToQuery, s => PartnerQueryMapping.ToV1(s!));
        v1.MapPartnerQuery<PartnerCustomerOrders, OrderSummaryPage>("/customers/{customer}/orders", PartnerQueryMapping.ToQuery, PartnerQueryMapping.ToV1);
        var v2 = endpoints.MapPartnerVersion(2);
        v2.MapPartnerCommand<PartnerOrderV2>("/orders", PartnerMapping.ToCommand, (order, result) => new PartnerOrderAccepted(order.OrderId, result.Position.Value));
        v2.MapPartnerQuery<PartnerOrderLookup, OrderSummary?>("/orders/{orderId}", PartnerQueryMapping.ToQuery, s => PartnerQueryMapping.ToV2(s!));
        v2.MapPartnerQuery<PartnerCustomerOrders, OrderSummaryPage>("/customers/{customer}/orders", PartnerQueryMapping.ToQuery, PartnerQueryMapping.ToV2);
    }
}

using Shop.Partners;
using Tessera.AspNetCore.PartnerApi;

namespace Shop.Host;

/// <summary>The Shop's partner API: v1 and v2 of placing an order, both kept mapped.</summary>
public static class ShopPartnerApi
{
    /// <summary>Maps /partner/v1/orders and /partner/v2/orders.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPartnerVersion(1)
            .MapPartnerCommand<PartnerOrderV1>("/orders", PartnerMapping.ToCommand, (order, result) => new PartnerOrderAccepted(order.OrderId, result.Position.Value));
        endpoints.MapPartnerVersion(2)
            .MapPartnerCommand<PartnerOrderV2>("/orders", PartnerMapping.ToCommand, (order, result) => new PartnerOrderAccepted(order.OrderId, result.Position.Value));
    }
}

using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Tessera;

namespace Shop;

/// <summary>The stable names of the Shop's events: never CLR names, so renaming a class does not break stored events.</summary>
public static class ShopEventTypes
{
    /// <summary>Registers every Shop event under its name.</summary>
    public static EventTypes AddShopEvents(this EventTypes events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events
            .Add<OrderPlaced>("shop.order-placed.v1")
            .Add<OrderPaid>("shop.order-paid.v1")
            .Add<OrderShipped>("shop.order-shipped.v1")
            .Add<OrderCancelled>("shop.order-cancelled.v1")
            .Add<OrderRefunded>("shop.order-refunded.v1")
            .Add<CategoryAdded>("shop.category-added.v1")
            .Add<CategoryRenamed>("shop.category-renamed.v1")
            .Add<CategoryNameReserved>("shop.category-name-reserved.v1")
            .Add<CategoryNameReleased>("shop.category-name-released.v1")
            .Add<ProductAdded>("shop.product-added.v1")
            .Add<ProductPriceChanged>("shop.product-price-changed.v1");
    }
}

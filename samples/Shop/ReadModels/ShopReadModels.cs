using Shop.ReadModels.Catalog;
using Shop.ReadModels.Categories;
using Shop.ReadModels.OrderDetails;
using Shop.ReadModels.OrderSummaries;
using Shop.ReadModels.ProductSales;
using Tessera;

namespace Shop.ReadModels;

/// <summary>The Shop's read side: its projections and queries; the host picks the read database.</summary>
public static class ShopReadModels
{
    /// <summary>Adds the Shop's projections and queries to Tessera.</summary>
    public static TesseraBuilder AddShopReadModels(this TesseraBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddJson(ShopReadJsonContext.Default);
        builder.AddProjection<OrderSummariesProjection>();
        builder.AddProjection<CategoryListProjection>();
        builder.AddProjection<ProductSalesProjection>();
        builder.AddProjection<CatalogProjection>();
        builder.AddProjection<OrderDetailsProjection>();

        builder.Query<GetOrderSummary>("shop.get-order-summary").Reads<OrderSummariesProjection>();
        builder.Query<ListOrdersByCustomer>("shop.list-orders-by-customer").Reads<OrderSummariesProjection>();
        builder.Query<ListOrdersByStatus>("shop.list-orders-by-status").Reads<OrderSummariesProjection>();
        builder.AddQueryHandler<OrderSummaryQueries>();

        builder.Query<ListCategories>("shop.list-categories").Reads<CategoryListProjection>();
        builder.Query<CanAddCategory>("shop.can-add-category").Reads<CategoryListProjection>();
        builder.AddQueryHandler<CategoryQueries>();

        builder.Query<GetProductSales>("shop.get-product-sales").Reads<ProductSalesProjection>();
        builder.AddQueryHandler<ProductSalesQueries>();

        builder.Query<ListProducts>("shop.list-products").Reads<CatalogProjection>();
        builder.Query<GetProduct>("shop.get-product").Reads<CatalogProjection>();
        builder.AddQueryHandler<CatalogQueries>();

        builder.Query<ListOrderLines>("shop.list-order-lines").Reads<OrderDetailsProjection>();
        builder.Query<ListOrderSteps>("shop.list-order-steps").Reads<OrderDetailsProjection>();
        builder.AddQueryHandler<OrderDetailQueries>();
        return builder;
    }
}

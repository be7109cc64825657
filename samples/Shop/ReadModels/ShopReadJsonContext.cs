using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.ReadModels.Catalog;
using Shop.ReadModels.Categories;
using Shop.ReadModels.OrderDetails;
using Shop.ReadModels.OrderSummaries;
using Shop.ReadModels.ProductSales;

namespace Shop.ReadModels;

/// <summary>Source-generated JSON for the Shop's queries and their answers, so the Read API binds and writes them.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(GetOrderSummary))]
[JsonSerializable(typeof(ListOrdersByCustomer))]
[JsonSerializable(typeof(ListOrdersByStatus))]
[JsonSerializable(typeof(OrderSummary))]
[JsonSerializable(typeof(OrderSummaryPage))]
[JsonSerializable(typeof(ListCategories))]
[JsonSerializable(typeof(CanAddCategory))]
[JsonSerializable(typeof(IReadOnlyList<CategoryListItem>))]
[JsonSerializable(typeof(CategoryNameCheck))]
[JsonSerializable(typeof(GetProductSales))]
[JsonSerializable(typeof(IReadOnlyList<ProductSalesDay>))]
[JsonSerializable(typeof(ListProducts))]
[JsonSerializable(typeof(GetProduct))]
[JsonSerializable(typeof(CatalogProduct))]
[JsonSerializable(typeof(IReadOnlyList<CatalogProduct>))]
[JsonSerializable(typeof(ListOrderLines))]
[JsonSerializable(typeof(ListOrderSteps))]
[JsonSerializable(typeof(IReadOnlyList<OrderDetailLine>))]
[JsonSerializable(typeof(IReadOnlyList<OrderStep>))]
internal sealed partial class ShopReadJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.ReadModels.Categories;
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
internal sealed partial class ShopReadJsonContext : JsonSerializerContext;

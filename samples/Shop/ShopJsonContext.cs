using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;

namespace Shop;

/// <summary>Source-generated JSON for the Shop's commands, events and snapshot states.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PlaceOrder))]
[JsonSerializable(typeof(MarkOrderAsPaid))]
[JsonSerializable(typeof(ShipOrder))]
[JsonSerializable(typeof(CancelOrder))]
[JsonSerializable(typeof(RefundOrder))]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPaid))]
[JsonSerializable(typeof(OrderShipped))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(OrderRefunded))]
[JsonSerializable(typeof(OrderState))]
[JsonSerializable(typeof(AddCategory))]
[JsonSerializable(typeof(RenameCategory))]
[JsonSerializable(typeof(CategoryAdded))]
[JsonSerializable(typeof(CategoryRenamed))]
[JsonSerializable(typeof(CategoryNameReserved))]
[JsonSerializable(typeof(CategoryNameReleased))]
[JsonSerializable(typeof(AddProduct))]
[JsonSerializable(typeof(ChangeProductPrice))]
[JsonSerializable(typeof(ProductAdded))]
[JsonSerializable(typeof(ProductPriceChanged))]
public sealed partial class ShopJsonContext : JsonSerializerContext;

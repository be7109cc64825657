using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Tessera;
using Tessera.Aggregates;

namespace Shop;

/// <summary>The Shop's only registration code: its events, commands, aggregates and handlers.</summary>
public static class ShopModule
{
    /// <summary>Adds the Shop's domain to Tessera.</summary>
    public static TesseraBuilder AddShop(this TesseraBuilder builder, ShopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new ShopOptions();
        builder.AddJson(ShopJsonContext.Default);
        builder.AddJson(Partners.PartnerJsonContext.Default);
        builder.AddJson(Partners.PartnerQueryJsonContext.Default);
        builder.Events.AddShopEvents();

        builder.Command<PlaceOrder>("shop.place-order")
            .Validate(OrderRules.Place)
            .AllowRoles(ShopRoles.Customer, ShopRoles.Staff, ShopRoles.Partner)
            .Authorize((user, c) => user.IsInRole(ShopRoles.Staff) || user.IsInRole(ShopRoles.Partner) || c.CustomerId.Value == user.Identity?.Name);
        builder.Command<MarkOrderAsPaid>("shop.mark-order-as-paid").Validate(OrderRules.PayCommand).AllowRoles(ShopRoles.Staff);
        builder.Command<ShipOrder>("shop.ship-order").Validate(OrderRules.ShipCommand).AllowRoles(ShopRoles.Staff);
        builder.Command<CancelOrder>("shop.cancel-order").AllowRoles(ShopRoles.Staff);
        builder.Command<RefundOrder>("shop.refund-order")
            .Validate(OrderRules.RefundCommand)
            .AllowRoles(ShopRoles.Staff)
            .RequireSignature(c => c.Amount > options.RefundSignatureLimit, "approved");
        builder.AddAggregate<Order, OrderState>(Order.Category, order => order
            .Creates<PlaceOrder>()
            .Handles(OrderRules.Pay)
            .Handles(OrderRules.Ship)
            .Handles(OrderRules.Cancel)
            .Handles(OrderRules.Refund));

        builder.Command<AddCategory>("shop.add-category").Validate(CategoryRules.Add).AllowRoles(ShopRoles.Staff);
        builder.Command<RenameCategory>("shop.rename-category").Validate(CategoryRules.Rename).AllowRoles(ShopRoles.Staff);
        builder.AddAggregate<Category, CategoryState>(Category.StreamCategory, category => category
            .Executes<AddCategory>(AggregateTarget.New)
            .Executes<RenameCategory>(AggregateTarget.Existing));
        builder.AddAggregate<CategoryName, CategoryNameState>(CategoryName.StreamCategory, name => name
            .Executes(AggregateTarget.Any, CategoryRules.Reserve)
            .Executes<ReleaseCategoryName>(AggregateTarget.Any));
        builder.AddCommandHandler<AddCategory, AddCategoryHandler>();
        builder.AddCommandHandler<RenameCategory, RenameCategoryHandler>();

        builder.Command<AddProduct>("shop.add-product").Validate(ProductRules.Add).AllowRoles(ShopRoles.Staff);
        builder.Command<ChangeProductPrice>("shop.change-product-price").Validate(ProductRules.ChangePrice).AllowRoles(ShopRoles.Staff);
        builder.AddAggregate<Product, ProductState>(Product.StreamCategory, product => product
            .Executes<AddProduct>(AggregateTarget.New)
            .Handles<ChangeProductPrice>());
        builder.AddCommandHandler<AddProduct, AddProductHandler>();
        return builder;
    }
}

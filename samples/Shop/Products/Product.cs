using Shop.Categories;
using Tessera.Aggregates;
using Tessera.Commands;

namespace Shop.Products;

/// <summary>What a product's decisions need to know.</summary>
public sealed record ProductState
{
    /// <summary>The current price.</summary>
    public decimal Price { get; init; }

    /// <summary>Applies ProductAdded.</summary>
    public ProductState When(ProductAdded e) => this with { Price = e.Price };

    /// <summary>Applies ProductPriceChanged.</summary>
    public ProductState When(ProductPriceChanged e) => this with { Price = e.Price };
}

/// <summary>A product for sale.</summary>
public sealed class Product : Aggregate<ProductId, ProductState>
{
    /// <summary>The stream category of products.</summary>
    public const string StreamCategory = "product";

    /// <summary>Adds the product.</summary>
    public void When(AddProduct command) => Raise(new ProductAdded(command.Id, command.CategoryId, command.Name.Trim(), command.Price));

    /// <summary>Changes the price; the same price changes nothing.</summary>
    public void When(ChangeProductPrice command)
    {
        if (command.Price != State.Price)
        {
            Raise(new ProductPriceChanged(command.Id, command.Price, State.Price));
        }
    }
}

/// <summary>The business rules of products.</summary>
public static class ProductRules
{
    /// <summary>Rules on AddProduct alone.</summary>
    public static readonly Rule<AddProduct>[] Add =
    [
        Rule.For<AddProduct>("product.name-missing", "A product needs a name.", c => !string.IsNullOrWhiteSpace(c.Name), "name"),
        Rule.For<AddProduct>("product.price-negative", "A price cannot be negative.", c => c.Price >= 0, "price"),
    ];

    /// <summary>Rules on ChangeProductPrice alone.</summary>
    public static readonly Rule<ChangeProductPrice>[] ChangePrice =
    [
        Rule.For<ChangeProductPrice>("product.price-negative", "A price cannot be negative.", c => c.Price >= 0, "price"),
    ];
}

/// <summary>Adds a product once its category is known to exist.</summary>
internal sealed class AddProductHandler(AggregateFactory factory) : ICommandHandler<AddProduct>
{
    private static readonly RuleViolation UnknownCategory = new("product.category-unknown", "The product's category does not exist.", "categoryId");

    public async ValueTask<CommandResult> HandleAsync(AddProduct command, CommandContext context) =>
        await factory.LoadStateAsync<Category, CategoryState>(command.CategoryId, context.CancellationToken) is null
            ? CommandResult.ValidationFailed([UnknownCategory])
            : await factory.ExecuteAsync<Product, AddProduct>(command, context);
}

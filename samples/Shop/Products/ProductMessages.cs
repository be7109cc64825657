using Shop.Categories;
using Tessera.Messages;

namespace Shop.Products;

/// <summary>Adds a product to a category.</summary>
public sealed record AddProduct(ProductId Id, CategoryId CategoryId, string Name, decimal Price) : ICommand<ProductId>;

/// <summary>Changes a product's price.</summary>
public sealed record ChangeProductPrice(ProductId Id, decimal Price) : ICommand<ProductId>;

/// <summary>A product was added.</summary>
public sealed record ProductAdded(ProductId Id, CategoryId CategoryId, string Name, decimal Price) : IEvent<ProductId>;

/// <summary>A product's price changed.</summary>
public sealed record ProductPriceChanged(ProductId Id, decimal Price, decimal PreviousPrice) : IEvent<ProductId>;

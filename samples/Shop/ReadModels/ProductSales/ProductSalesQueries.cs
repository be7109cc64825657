using Dapper;
using Shop.Products;
using Tessera.Queries;

namespace Shop.ReadModels.ProductSales;

/// <summary>What one product sold on one day.</summary>
public sealed record ProductSalesDay
{
    /// <summary>The product's id.</summary>
    public Guid ProductId { get; init; }

    /// <summary>The day (UTC), as yyyy-MM-dd.</summary>
    public string Day { get; init; } = string.Empty;

    /// <summary>The product's name on its first order that day.</summary>
    public string ProductName { get; init; } = string.Empty;

    /// <summary>Items ordered.</summary>
    public int Quantity { get; init; }

    /// <summary>Revenue ordered, in cents.</summary>
    public long RevenueCents { get; init; }
}

/// <summary>A product's sales per day, oldest first.</summary>
public sealed record GetProductSales(ProductId ProductId) : IQuery<IReadOnlyList<ProductSalesDay>>;

/// <summary>Answers GetProductSales.</summary>
internal sealed class ProductSalesQueries : IQueryHandler<GetProductSales, IReadOnlyList<ProductSalesDay>>
{
    public async ValueTask<IReadOnlyList<ProductSalesDay>> HandleAsync(GetProductSales query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<ProductSalesDay>(new CommandDefinition(
            "SELECT product_id AS ProductId, day AS Day, product_name AS ProductName, quantity AS Quantity, revenue_cents AS RevenueCents FROM product_sales WHERE product_id = @Id ORDER BY day",
            new { Id = query.ProductId.Value },
            cancellationToken: context.CancellationToken));
        return [.. rows];
    }
}

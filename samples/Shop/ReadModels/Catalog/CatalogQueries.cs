using Dapper;
using Shop.Products;
using Tessera.Queries;
using Sql = Shop.ReadModels.Catalog.CatalogProjection.Sql;

namespace Shop.ReadModels.Catalog;

/// <summary>A product as the catalog shows it.</summary>
public sealed record CatalogProduct
{
    /// <summary>The product's id.</summary>
    public Guid ProductId { get; init; }

    /// <summary>The id of its category.</summary>
    public Guid CategoryId { get; init; }

    /// <summary>Its name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Its current price.</summary>
    public decimal Price { get; init; }
}

/// <summary>Every product, by name.</summary>
public sealed record ListProducts : IQuery<IReadOnlyList<CatalogProduct>>;

/// <summary>One product, or nothing for an unknown product.</summary>
public sealed record GetProduct(ProductId Id) : IQuery<CatalogProduct?>;

/// <summary>Answers the catalog queries with one SQL statement each.</summary>
internal sealed class CatalogQueries : IQueryHandler<ListProducts, IReadOnlyList<CatalogProduct>>, IQueryHandler<GetProduct, CatalogProduct?>
{
    public async ValueTask<IReadOnlyList<CatalogProduct>> HandleAsync(ListProducts query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<CatalogProduct>(new CommandDefinition(
            $"SELECT {Sql.Columns} FROM catalog_products ORDER BY name, product_id", cancellationToken: context.CancellationToken));
        return [.. rows];
    }

    public async ValueTask<CatalogProduct?> HandleAsync(GetProduct query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<CatalogProduct>(new CommandDefinition(
            $"SELECT {Sql.Columns} FROM catalog_products WHERE product_id = @Id", new { Id = query.Id.Value }, cancellationToken: context.CancellationToken));
    }
}

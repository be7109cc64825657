using Dapper;
using Shop.Products;
using Tessera.Projections;

namespace Shop.ReadModels.Catalog;

/// <summary>One row per product with its category and current price, for the catalog and the order form.</summary>
public sealed class CatalogProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "catalog.v1";

    /// <inheritdoc />
    public string Schema => Sql.Schema;

    /// <summary>Adds the product.</summary>
    public static Task When(ProductAdded e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.Upsert, new { ProductId = e.Id.Value, CategoryId = e.CategoryId.Value, e.Name, e.Price }, b.Transaction);

    /// <summary>Sets the product's new price.</summary>
    public static Task When(ProductPriceChanged e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.SetPrice, new { ProductId = e.Id.Value, e.Price }, b.Transaction);

    internal static class Sql
    {
        public const string Schema = """
            CREATE TABLE catalog_products (product_id TEXT PRIMARY KEY, category_id TEXT NOT NULL, name TEXT NOT NULL, price TEXT NOT NULL);
            CREATE INDEX catalog_products_by_category ON catalog_products (category_id, name);
            """;

        public const string Upsert = """
            INSERT INTO catalog_products (product_id, category_id, name, price) VALUES (@ProductId, @CategoryId, @Name, @Price)
            ON CONFLICT (product_id) DO UPDATE SET category_id = excluded.category_id, name = excluded.name
            """;

        public const string SetPrice = "UPDATE catalog_products SET price = @Price WHERE product_id = @ProductId";

        public const string Columns = "product_id AS ProductId, category_id AS CategoryId, name AS Name, price AS Price";
    }
}

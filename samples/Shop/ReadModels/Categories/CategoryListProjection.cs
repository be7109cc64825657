using Dapper;
using Shop.Categories;
using Shop.Products;
using Tessera.Projections;

namespace Shop.ReadModels.Categories;

/// <summary>One row per category with its product count, and the names in use (for CanAddCategory).</summary>
public sealed class CategoryListProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "category-list.v1";

    /// <inheritdoc />
    public string Schema => Sql.Schema;

    /// <summary>Adds the category with no products.</summary>
    public static Task When(CategoryAdded e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.InsertCategory, new { CategoryId = e.Id.Value, e.Name }, b.Transaction);

    /// <summary>Renames the category.</summary>
    public static Task When(CategoryRenamed e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.Rename, new { CategoryId = e.Id.Value, e.Name }, b.Transaction);

    /// <summary>Counts the product in its category; the count is recomputed, so applying it twice changes nothing.</summary>
    public static Task When(ProductAdded e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.AddProduct, new { ProductId = e.Id.Value, CategoryId = e.CategoryId.Value }, b.Transaction);

    /// <summary>A name is taken.</summary>
    public static Task When(CategoryNameReserved e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.Reserve, new { Key = e.Id.Value, Owner = e.Owner.Value }, b.Transaction);

    /// <summary>A name is free again.</summary>
    public static Task When(CategoryNameReleased e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.Release, new { Key = e.Id.Value, Owner = e.Owner.Value }, b.Transaction);

    internal static class Sql
    {
        public const string Schema = """
            CREATE TABLE category_list (category_id TEXT PRIMARY KEY, name TEXT NOT NULL, product_count INTEGER NOT NULL);
            CREATE TABLE category_list_products (product_id TEXT PRIMARY KEY, category_id TEXT NOT NULL);
            CREATE INDEX category_list_products_by_category ON category_list_products (category_id);
            CREATE TABLE category_names (name_key TEXT PRIMARY KEY, category_id TEXT NOT NULL);
            """;

        public const string InsertCategory = "INSERT INTO category_list (category_id, name, product_count) VALUES (@CategoryId, @Name, 0) ON CONFLICT (category_id) DO UPDATE SET name = excluded.name";

        public const string Rename = "UPDATE category_list SET name = @Name WHERE category_id = @CategoryId";

        public const string AddProduct = """
            INSERT INTO category_list_products (product_id, category_id) VALUES (@ProductId, @CategoryId) ON CONFLICT (product_id) DO NOTHING;
            UPDATE category_list SET product_count = (SELECT count(*) FROM category_list_products WHERE category_id = @CategoryId) WHERE category_id = @CategoryId;
            """;

        public const string Reserve = "INSERT INTO category_names (name_key, category_id) VALUES (@Key, @Owner) ON CONFLICT (name_key) DO UPDATE SET category_id = excluded.category_id";

        public const string Release = "DELETE FROM category_names WHERE name_key = @Key AND category_id = @Owner";
    }
}

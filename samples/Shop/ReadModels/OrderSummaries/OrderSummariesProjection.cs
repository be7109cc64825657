using System.Globalization;
using Dapper;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Tessera.Projections;

namespace Shop.ReadModels.OrderSummaries;

/// <summary>Writes one flat row per order, with the category names of its products looked up when it is placed.</summary>
public sealed class OrderSummariesProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "order-summaries.v1";

    /// <inheritdoc />
    public string Schema => Sql.Schema;

    /// <summary>Remembers a category's name for the orders placed later.</summary>
    public static Task When(CategoryAdded e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.UpsertCategory, new { CategoryId = e.Id.Value, e.Name }, b.Transaction);

    /// <summary>A renamed category shows its new name on orders placed from now on.</summary>
    public static Task When(CategoryRenamed e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.UpsertCategory, new { CategoryId = e.Id.Value, e.Name }, b.Transaction);

    /// <summary>Remembers a product's category.</summary>
    public static Task When(ProductAdded e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.UpsertProduct, new { ProductId = e.Id.Value, CategoryId = e.CategoryId.Value }, b.Transaction);

    /// <summary>Adds the order's row.</summary>
    public static async Task When(OrderPlaced e, SqlBatch b)
    {
        var products = e.Lines.Select(l => l.ProductId.Value).Distinct().ToArray();
        var parameters = new DynamicParameters();
        for (var i = 0; i < products.Length; i++)
        {
            parameters.Add(Sql.Product(i), products[i]);
        }
        var names = await b.Connection.QueryAsync<string>(Sql.CategoryNames(products.Length), parameters, b.Transaction);
        await b.Connection.ExecuteAsync(Sql.InsertSummary, new
        {
            OrderId = e.Id.Value,
            CustomerId = e.CustomerId.Value,
            e.CustomerName,
            Status = nameof(OrderStatus.Placed),
            ItemCount = e.Lines.Sum(l => l.Quantity),
            e.Total,
            CategoryNames = string.Join(", ", names),
            e.PlacedAt,
        }, b.Transaction);
    }

    /// <summary>Marks the order paid.</summary>
    public static Task When(OrderPaid e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.MarkPaid, new { OrderId = e.Id.Value, Status = nameof(OrderStatus.Paid), e.PaidAt }, b.Transaction);

    /// <summary>Marks the order shipped.</summary>
    public static Task When(OrderShipped e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.SetStatus, new { OrderId = e.Id.Value, Status = nameof(OrderStatus.Shipped) }, b.Transaction);

    /// <summary>Marks the order cancelled.</summary>
    public static Task When(OrderCancelled e, SqlBatch b) =>
        b.Connection.ExecuteAsync(Sql.SetStatus, new { OrderId = e.Id.Value, Status = nameof(OrderStatus.Cancelled) }, b.Transaction);

    internal static class Sql
    {
        public const string Schema = """
            CREATE TABLE order_summaries (
                order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, customer_name TEXT NOT NULL, status TEXT NOT NULL,
                item_count INTEGER NOT NULL, total TEXT NOT NULL, category_names TEXT NOT NULL, placed_at TEXT NOT NULL, paid_at TEXT NULL);
            CREATE INDEX order_summaries_by_customer ON order_summaries (customer_id, placed_at DESC, order_id);
            CREATE INDEX order_summaries_by_status ON order_summaries (status, placed_at DESC, order_id);
            CREATE TABLE order_summary_products (product_id TEXT PRIMARY KEY, category_id TEXT NOT NULL);
            CREATE TABLE order_summary_categories (category_id TEXT PRIMARY KEY, name TEXT NOT NULL);
            """;

        public const string UpsertCategory = "INSERT INTO order_summary_categories (category_id, name) VALUES (@CategoryId, @Name) ON CONFLICT (category_id) DO UPDATE SET name = excluded.name";

        public const string UpsertProduct = "INSERT INTO order_summary_products (product_id, category_id) VALUES (@ProductId, @CategoryId) ON CONFLICT (product_id) DO UPDATE SET category_id = excluded.category_id";

        private static readonly string[] CategoryNamesByCount = [.. Enumerable.Range(0, 33).Select(BuildCategoryNames)];

        /// <summary>The category names of <paramref name="count"/> products (@p0, @p1, ...): a plain IN list, which SQLite and PostgreSQL both take.</summary>
        public static string CategoryNames(int count) => count < CategoryNamesByCount.Length ? CategoryNamesByCount[count] : BuildCategoryNames(count);

        public static string Product(int index) => "p" + index.ToString(CultureInfo.InvariantCulture);

        private static string BuildCategoryNames(int count) => $"""
            SELECT DISTINCT c.name FROM order_summary_products p JOIN order_summary_categories c ON c.category_id = p.category_id
            WHERE p.product_id IN ({(count == 0 ? "NULL" : string.Join(", ", Enumerable.Range(0, count).Select(i => "@" + Product(i))))}) ORDER BY c.name
            """;

        public const string InsertSummary = """
            INSERT INTO order_summaries (order_id, customer_id, customer_name, status, item_count, total, category_names, placed_at)
            VALUES (@OrderId, @CustomerId, @CustomerName, @Status, @ItemCount, @Total, @CategoryNames, @PlacedAt)
            ON CONFLICT (order_id) DO NOTHING
            """;

        public const string MarkPaid = "UPDATE order_summaries SET status = @Status, paid_at = @PaidAt WHERE order_id = @OrderId";

        public const string SetStatus = "UPDATE order_summaries SET status = @Status WHERE order_id = @OrderId";

        public const string Columns = """
            order_id AS OrderId, customer_id AS CustomerId, customer_name AS CustomerName, status AS Status, item_count AS ItemCount,
            total AS Total, category_names AS CategoryNames, placed_at AS PlacedAt, paid_at AS PaidAt
            """;
    }
}

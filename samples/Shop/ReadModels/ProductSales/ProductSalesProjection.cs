using Dapper;
using Shop.Orders;
using Tessera.Projections;

namespace Shop.ReadModels.ProductSales;

/// <summary>Quantity and revenue ordered per product and day (UTC), from placed orders.</summary>
public sealed class ProductSalesProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "product-sales.v1";

    /// <inheritdoc />
    public string Schema => Sql.Schema;

    /// <summary>Adds the order's lines to their products' day; guarded by position, so an event applied twice counts once.</summary>
    public static Task When(OrderPlaced e, SqlBatch b)
    {
        var day = e.PlacedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rows = e.Lines
            .GroupBy(l => l.ProductId)
            .Select(g => new
            {
                ProductId = g.Key.Value,
                Day = day,
                ProductName = g.First().ProductName,
                Quantity = g.Sum(l => l.Quantity),
                RevenueCents = (long)decimal.Round(g.Sum(l => l.Quantity * l.UnitPrice) * 100m),
                Position = b.Current.Position.Value,
            });
        return b.Connection.ExecuteAsync(Sql.Add, rows, b.Transaction);
    }

    internal static class Sql
    {
        public const string Schema = """
            CREATE TABLE product_sales (
                product_id TEXT NOT NULL, day TEXT NOT NULL, product_name TEXT NOT NULL, quantity INTEGER NOT NULL,
                revenue_cents INTEGER NOT NULL, last_position INTEGER NOT NULL, PRIMARY KEY (product_id, day));
            """;

        public const string Add = """
            INSERT INTO product_sales (product_id, day, product_name, quantity, revenue_cents, last_position)
            VALUES (@ProductId, @Day, @ProductName, @Quantity, @RevenueCents, @Position)
            ON CONFLICT (product_id, day) DO UPDATE SET
                quantity = product_sales.quantity + excluded.quantity, revenue_cents = product_sales.revenue_cents + excluded.revenue_cents, last_position = excluded.last_position
            WHERE product_sales.last_position < excluded.last_position
            """;
    }
}

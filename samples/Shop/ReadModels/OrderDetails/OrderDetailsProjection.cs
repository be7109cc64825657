using Dapper;
using Shop.Orders;
using Tessera.Projections;

namespace Shop.ReadModels.OrderDetails;

/// <summary>An order's lines and its history, one row per event with who did it and the signature it carried, for the order page.</summary>
public sealed class OrderDetailsProjection : ISqlProjection
{
    /// <inheritdoc />
    public string Name => "order-details.v1";

    /// <inheritdoc />
    public string Schema => Sql.Schema;

    /// <summary>Adds the order's lines and its first step.</summary>
    public static async Task When(OrderPlaced e, SqlBatch b)
    {
        var lines = e.Lines.Select((l, i) => new { OrderId = e.Id.Value, LineNo = i, ProductId = l.ProductId.Value, l.ProductName, l.Quantity, l.UnitPrice });
        await b.Connection.ExecuteAsync(Sql.InsertLine, lines, b.Transaction);
        await StepAsync(b, e.Id, "placed", FormattableString.Invariant($"Placed, total {e.Total:0.00}"), 0m);
    }

    /// <summary>Records the payment.</summary>
    public static Task When(OrderPaid e, SqlBatch b) =>
        StepAsync(b, e.Id, "paid", FormattableString.Invariant($"Paid {e.Amount:0.00} (reference {e.PaymentReference})"), e.Amount);

    /// <summary>Records the shipment.</summary>
    public static Task When(OrderShipped e, SqlBatch b) => StepAsync(b, e.Id, "shipped", $"Shipped by {e.Carrier}", 0m);

    /// <summary>Records the cancellation.</summary>
    public static Task When(OrderCancelled e, SqlBatch b) => StepAsync(b, e.Id, "cancelled", $"Cancelled: {e.Reason}", 0m);

    /// <summary>Records the refund, with its signature when it needed one.</summary>
    public static Task When(OrderRefunded e, SqlBatch b) =>
        StepAsync(b, e.Id, "refunded", FormattableString.Invariant($"Refunded {e.Amount:0.00}: {e.Reason}"), e.Amount);

    // Keyed by the event's position, so applying an event twice adds no second step.
    private static Task<int> StepAsync(SqlBatch b, OrderId id, string kind, string what, decimal amount)
    {
        var recorded = b.Current;
        var signature = recorded.Metadata.Signature;
        return b.Connection.ExecuteAsync(Sql.InsertStep, new
        {
            OrderId = id.Value,
            Position = recorded.Position.Value,
            Kind = kind,
            What = what,
            Amount = amount,
            recorded.Metadata.Time,
            recorded.Metadata.User,
            signature?.Signer,
            signature?.Meaning,
            signature?.SignedAt,
            signature?.CommandHash,
            signature?.Method,
        }, b.Transaction);
    }

    internal static class Sql
    {
        public const string Schema = """
            CREATE TABLE order_detail_lines (
                order_id TEXT NOT NULL, line_no INTEGER NOT NULL, product_id TEXT NOT NULL, product_name TEXT NOT NULL,
                quantity INTEGER NOT NULL, unit_price TEXT NOT NULL, PRIMARY KEY (order_id, line_no));
            CREATE TABLE order_detail_steps (
                position INTEGER PRIMARY KEY, order_id TEXT NOT NULL, kind TEXT NOT NULL, what TEXT NOT NULL, amount TEXT NOT NULL,
                time TEXT NOT NULL, user_name TEXT NULL, signer TEXT NULL, meaning TEXT NULL, signed_at TEXT NULL, command_hash TEXT NULL, method TEXT NULL);
            CREATE INDEX order_detail_steps_by_order ON order_detail_steps (order_id, position);
            """;

        public const string InsertLine = """
            INSERT INTO order_detail_lines (order_id, line_no, product_id, product_name, quantity, unit_price)
            VALUES (@OrderId, @LineNo, @ProductId, @ProductName, @Quantity, @UnitPrice)
            ON CONFLICT (order_id, line_no) DO NOTHING
            """;

        public const string InsertStep = """
            INSERT INTO order_detail_steps (position, order_id, kind, what, amount, time, user_name, signer, meaning, signed_at, command_hash, method)
            VALUES (@Position, @OrderId, @Kind, @What, @Amount, @Time, @User, @Signer, @Meaning, @SignedAt, @CommandHash, @Method)
            ON CONFLICT (position) DO NOTHING
            """;
    }
}

using Tessera.Aggregates;

namespace Shop.Orders;

/// <summary>The business rules of orders, as data: every violated rule is reported, not just the first.</summary>
public static class OrderRules
{
    /// <summary>The most lines one order may have.</summary>
    public const int MaxLines = 100;

    /// <summary>Rules on PlaceOrder alone.</summary>
    public static readonly Rule<PlaceOrder>[] Place =
    [
        Rule.For<PlaceOrder>("order.no-lines", "An order needs at least one line.", c => c.Lines is { Count: > 0 }, "lines"),
        Rule.For<PlaceOrder>("order.too-many-lines", $"An order has at most {MaxLines} lines.", c => c.Lines is null || c.Lines.Count <= MaxLines, "lines"),
        Rule.For<PlaceOrder>("order.quantity-not-positive", "Every line needs a quantity of at least 1.", c => c.Lines is null || c.Lines.All(l => l is not null && l.Quantity > 0), "lines"),
        Rule.For<PlaceOrder>("order.price-negative", "No line may have a negative price.", c => c.Lines is null || c.Lines.All(l => l is null || l.UnitPrice >= 0), "lines"),
        Rule.For<PlaceOrder>("order.customer-name-missing", "The customer's name is needed.", c => !string.IsNullOrWhiteSpace(c.CustomerName), "customerName"),
    ];

    /// <summary>Rules on MarkOrderAsPaid alone.</summary>
    public static readonly Rule<MarkOrderAsPaid>[] PayCommand =
    [
        Rule.For<MarkOrderAsPaid>("order.amount-not-positive", "A payment must be more than zero.", c => c.Amount > 0, "amount"),
        Rule.For<MarkOrderAsPaid>("order.payment-reference-missing", "A payment needs its reference.", c => !string.IsNullOrWhiteSpace(c.PaymentReference), "paymentReference"),
    ];

    /// <summary>Rules on paying, given the order's state.</summary>
    public static readonly Rule<OrderState, MarkOrderAsPaid>[] Pay =
    [
        Rule.For<OrderState, MarkOrderAsPaid>("order.cancelled", "A cancelled order cannot be paid.", (s, _) => s.Status != OrderStatus.Cancelled),
        Rule.For<OrderState, MarkOrderAsPaid>("order.already-paid", "The order is already paid.", (s, _) => s.Paid == 0),
        Rule.For<OrderState, MarkOrderAsPaid>("order.amount-mismatch", "The payment must equal the order's total.", (s, c) => c.Amount == s.Total, "amount"),
    ];

    /// <summary>Rules on shipping, given the order's state.</summary>
    public static readonly Rule<OrderState, ShipOrder>[] Ship =
    [
        Rule.For<OrderState, ShipOrder>("order.cancelled", "A cancelled order cannot be shipped.", (s, _) => s.Status != OrderStatus.Cancelled),
        Rule.For<OrderState, ShipOrder>("order.not-paid", "An unpaid order cannot be shipped.", (s, _) => s.Status != OrderStatus.Placed),
        Rule.For<OrderState, ShipOrder>("order.already-shipped", "The order is already shipped.", (s, _) => s.Status != OrderStatus.Shipped),
    ];

    /// <summary>Rules on ShipOrder alone.</summary>
    public static readonly Rule<ShipOrder>[] ShipCommand =
    [
        Rule.For<ShipOrder>("order.carrier-missing", "A shipment needs a carrier.", c => !string.IsNullOrWhiteSpace(c.Carrier), "carrier"),
    ];

    /// <summary>Rules on cancelling, given the order's state.</summary>
    public static readonly Rule<OrderState, CancelOrder>[] Cancel =
    [
        Rule.For<OrderState, CancelOrder>("order.shipped", "A shipped order cannot be cancelled.", (s, _) => s.Status != OrderStatus.Shipped),
        Rule.For<OrderState, CancelOrder>("order.already-cancelled", "The order is already cancelled.", (s, _) => s.Status != OrderStatus.Cancelled),
    ];

    /// <summary>Rules on RefundOrder alone.</summary>
    public static readonly Rule<RefundOrder>[] RefundCommand =
    [
        Rule.For<RefundOrder>("order.amount-not-positive", "A refund must be more than zero.", c => c.Amount > 0, "amount"),
        Rule.For<RefundOrder>("order.reason-missing", "A refund needs a reason.", c => !string.IsNullOrWhiteSpace(c.Reason), "reason"),
    ];

    /// <summary>Rules on refunding, given the order's state.</summary>
    public static readonly Rule<OrderState, RefundOrder>[] Refund =
    [
        Rule.For<OrderState, RefundOrder>("order.not-paid", "Only a paid order can be refunded.", (s, _) => s.Paid > 0),
        Rule.For<OrderState, RefundOrder>("order.refund-exceeds-paid", "A refund cannot exceed what was paid and not yet refunded.", (s, c) => s.Paid == 0 || s.Refunded + c.Amount <= s.Paid, "amount"),
    ];
}

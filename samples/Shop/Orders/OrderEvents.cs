using Tessera.Messages;

namespace Shop.Orders;

/// <summary>An order was placed.</summary>
public sealed record OrderPlaced(OrderId Id, CustomerId CustomerId, string CustomerName, IReadOnlyList<OrderLine> Lines, decimal Total, DateTimeOffset PlacedAt) : IEvent<OrderId>;

/// <summary>An order was paid.</summary>
public sealed record OrderPaid(OrderId Id, decimal Amount, string PaymentReference, DateTimeOffset PaidAt) : IEvent<OrderId>;

/// <summary>An order was shipped.</summary>
public sealed record OrderShipped(OrderId Id, string Carrier, DateTimeOffset ShippedAt) : IEvent<OrderId>;

/// <summary>An order was cancelled.</summary>
public sealed record OrderCancelled(OrderId Id, string Reason, DateTimeOffset CancelledAt) : IEvent<OrderId>;

/// <summary>Money was given back for an order.</summary>
public sealed record OrderRefunded(OrderId Id, decimal Amount, string Reason, DateTimeOffset RefundedAt) : IEvent<OrderId>;

using Shop.Products;
using Tessera.Messages;

namespace Shop.Orders;

/// <summary>One line of an order, priced when the order is placed.</summary>
public sealed record OrderLine(ProductId ProductId, string ProductName, int Quantity, decimal UnitPrice);

/// <summary>A customer places an order.</summary>
public sealed record PlaceOrder(OrderId Id, CustomerId CustomerId, string CustomerName, IReadOnlyList<OrderLine> Lines) : ICommand<OrderId>;

/// <summary>The payment of an order arrived.</summary>
public sealed record MarkOrderAsPaid(OrderId Id, decimal Amount, string PaymentReference) : ICommand<OrderId>;

/// <summary>A paid order leaves the warehouse.</summary>
public sealed record ShipOrder(OrderId Id, string Carrier) : ICommand<OrderId>;

/// <summary>An order that has not shipped is cancelled.</summary>
public sealed record CancelOrder(OrderId Id, string Reason) : ICommand<OrderId>;

/// <summary>Money is given back for a paid order; above the shop's limit it needs an electronic signature.</summary>
public sealed record RefundOrder(OrderId Id, decimal Amount, string Reason) : ICommand<OrderId>;

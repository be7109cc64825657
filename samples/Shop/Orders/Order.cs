using Tessera.Aggregates;

namespace Shop.Orders;

/// <summary>An order: placed, paid, shipped or cancelled, and refunded.</summary>
public sealed class Order : Aggregate<OrderId, OrderState>
{
    /// <summary>The stream category of orders.</summary>
    public const string Category = "order";

    /// <summary>Places the order, pricing it from its lines.</summary>
    public void When(PlaceOrder command) =>
        Raise(new OrderPlaced(command.Id, command.CustomerId, command.CustomerName.Trim(), command.Lines, command.Lines.Sum(l => l.Quantity * l.UnitPrice), Now));

    /// <summary>Records the payment.</summary>
    public void When(MarkOrderAsPaid command) => Raise(new OrderPaid(command.Id, command.Amount, command.PaymentReference, Now));

    /// <summary>Ships the order.</summary>
    public void When(ShipOrder command) => Raise(new OrderShipped(command.Id, command.Carrier, Now));

    /// <summary>Cancels the order.</summary>
    public void When(CancelOrder command) => Raise(new OrderCancelled(command.Id, command.Reason, Now));

    /// <summary>Gives money back.</summary>
    public void When(RefundOrder command) => Raise(new OrderRefunded(command.Id, command.Amount, command.Reason, Now));
}

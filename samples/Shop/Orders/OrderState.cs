namespace Shop.Orders;

/// <summary>Where an order is in its life.</summary>
public enum OrderStatus
{
    /// <summary>Not placed.</summary>
    None,

    /// <summary>Placed, waiting for payment.</summary>
    Placed,

    /// <summary>Paid, waiting for shipping.</summary>
    Paid,

    /// <summary>Shipped.</summary>
    Shipped,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

/// <summary>What an order's decisions need to know, rebuilt from its events.</summary>
public sealed record OrderState
{
    /// <summary>Where the order is.</summary>
    public OrderStatus Status { get; init; }

    /// <summary>What the order costs.</summary>
    public decimal Total { get; init; }

    /// <summary>What was paid.</summary>
    public decimal Paid { get; init; }

    /// <summary>What was refunded.</summary>
    public decimal Refunded { get; init; }

    /// <summary>Applies OrderPlaced.</summary>
    public OrderState When(OrderPlaced e) => this with { Status = OrderStatus.Placed, Total = e.Total };

    /// <summary>Applies OrderPaid.</summary>
    public OrderState When(OrderPaid e) => this with { Status = OrderStatus.Paid, Paid = Paid + e.Amount };

    /// <summary>Applies OrderShipped.</summary>
    public OrderState When(OrderShipped e) => this with { Status = OrderStatus.Shipped };

    /// <summary>Applies OrderCancelled.</summary>
    public OrderState When(OrderCancelled e) => this with { Status = OrderStatus.Cancelled };

    /// <summary>Applies OrderRefunded.</summary>
    public OrderState When(OrderRefunded e) => this with { Refunded = Refunded + e.Amount };
}

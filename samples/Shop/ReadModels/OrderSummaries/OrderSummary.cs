namespace Shop.ReadModels.OrderSummaries;

/// <summary>One order as the order screens show it: a flat row, no nested objects.</summary>
public sealed record OrderSummary
{
    /// <summary>The order's id.</summary>
    public Guid OrderId { get; init; }

    /// <summary>The customer's id (user name).</summary>
    public string CustomerId { get; init; } = string.Empty;

    /// <summary>The customer's name as given on the order.</summary>
    public string CustomerName { get; init; } = string.Empty;

    /// <summary>Placed, Paid, Shipped or Cancelled.</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>How many items (sum of line quantities).</summary>
    public int ItemCount { get; init; }

    /// <summary>The order's total.</summary>
    public decimal Total { get; init; }

    /// <summary>The names of the categories of its products, as they were when it was placed, comma-separated.</summary>
    public string CategoryNames { get; init; } = string.Empty;

    /// <summary>When it was placed.</summary>
    public DateTimeOffset PlacedAt { get; init; }

    /// <summary>When it was paid, if it was.</summary>
    public DateTimeOffset? PaidAt { get; init; }
}

/// <summary>One page of order summaries, newest first.</summary>
/// <param name="Items">The rows of this page.</param>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">At most this many rows per page.</param>
public sealed record OrderSummaryPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize);

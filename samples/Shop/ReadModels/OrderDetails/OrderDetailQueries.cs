using Dapper;
using Shop.Orders;
using Tessera.Queries;

namespace Shop.ReadModels.OrderDetails;

/// <summary>One line of an order.</summary>
public sealed record OrderDetailLine
{
    /// <summary>The product ordered.</summary>
    public Guid ProductId { get; init; }

    /// <summary>The product's name when the order was placed.</summary>
    public string ProductName { get; init; } = string.Empty;

    /// <summary>How many.</summary>
    public int Quantity { get; init; }

    /// <summary>The price of one.</summary>
    public decimal UnitPrice { get; init; }
}

/// <summary>One step of an order's history: what happened, when, by whom, and the electronic signature it carried, if any.</summary>
public sealed record OrderStep
{
    /// <summary>The event's position in the store.</summary>
    public long Position { get; init; }

    /// <summary>placed, paid, shipped, cancelled or refunded.</summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>The step in words.</summary>
    public string What { get; init; } = string.Empty;

    /// <summary>The money paid or refunded by this step (0 for the others).</summary>
    public decimal Amount { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The user whose command it was.</summary>
    public string? User { get; init; }

    /// <summary>The signer, when the command was electronically signed.</summary>
    public string? Signer { get; init; }

    /// <summary>The meaning the signer chose.</summary>
    public string? Meaning { get; init; }

    /// <summary>When it was signed.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>The hash of the signed command.</summary>
    public string? CommandHash { get; init; }

    /// <summary>How the signer was checked.</summary>
    public string? Method { get; init; }
}

/// <summary>An order's lines, in order.</summary>
public sealed record ListOrderLines(OrderId Id) : IQuery<IReadOnlyList<OrderDetailLine>>;

/// <summary>An order's history, oldest first.</summary>
public sealed record ListOrderSteps(OrderId Id) : IQuery<IReadOnlyList<OrderStep>>;

/// <summary>Answers the order detail queries with one SQL statement each.</summary>
internal sealed class OrderDetailQueries : IQueryHandler<ListOrderLines, IReadOnlyList<OrderDetailLine>>, IQueryHandler<ListOrderSteps, IReadOnlyList<OrderStep>>
{
    public async ValueTask<IReadOnlyList<OrderDetailLine>> HandleAsync(ListOrderLines query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<OrderDetailLine>(new CommandDefinition(
            "SELECT product_id AS ProductId, product_name AS ProductName, quantity AS Quantity, unit_price AS UnitPrice FROM order_detail_lines WHERE order_id = @Id ORDER BY line_no",
            new { Id = query.Id.Value },
            cancellationToken: context.CancellationToken));
        return [.. rows];
    }

    public async ValueTask<IReadOnlyList<OrderStep>> HandleAsync(ListOrderSteps query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<OrderStep>(new CommandDefinition(
            """
            SELECT position AS Position, kind AS Kind, what AS What, amount AS Amount, time AS Time, user_name AS User, signer AS Signer,
                meaning AS Meaning, signed_at AS SignedAt, command_hash AS CommandHash, method AS Method
            FROM order_detail_steps WHERE order_id = @Id ORDER BY position
            """,
            new { Id = query.Id.Value },
            cancellationToken: context.CancellationToken));
        return [.. rows];
    }
}

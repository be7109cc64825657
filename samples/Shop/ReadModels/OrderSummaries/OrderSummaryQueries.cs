using Dapper;
using Shop.Orders;
using Tessera.Queries;
using Sql = Shop.ReadModels.OrderSummaries.OrderSummariesProjection.Sql;

namespace Shop.ReadModels.OrderSummaries;

/// <summary>One order's summary, or nothing for an unknown order.</summary>
public sealed record GetOrderSummary(OrderId Id) : IQuery<OrderSummary?>;

/// <summary>A customer's orders, newest first, one page at a time.</summary>
public sealed record ListOrdersByCustomer(CustomerId CustomerId, int Page = 1, int PageSize = 20) : IQuery<OrderSummaryPage>;

/// <summary>The orders in one status, newest first, one page at a time.</summary>
public sealed record ListOrdersByStatus(OrderStatus Status, int Page = 1, int PageSize = 20) : IQuery<OrderSummaryPage>;

/// <summary>Answers the order summary queries with one SQL statement each.</summary>
internal sealed class OrderSummaryQueries :
    IQueryHandler<GetOrderSummary, OrderSummary?>,
    IQueryHandler<ListOrdersByCustomer, OrderSummaryPage>,
    IQueryHandler<ListOrdersByStatus, OrderSummaryPage>
{
    /// <summary>The largest page a query may ask for.</summary>
    public const int MaxPageSize = 100;

    public async ValueTask<OrderSummary?> HandleAsync(GetOrderSummary query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<OrderSummary>(
            new CommandDefinition($"SELECT {Sql.Columns} FROM order_summaries WHERE order_id = @Id", new { Id = query.Id.Value }, cancellationToken: context.CancellationToken));
    }

    public ValueTask<OrderSummaryPage> HandleAsync(ListOrdersByCustomer query, QueryContext context) =>
        PageAsync("customer_id = @Key", query.CustomerId.Value, query.Page, query.PageSize, context);

    public ValueTask<OrderSummaryPage> HandleAsync(ListOrdersByStatus query, QueryContext context) =>
        PageAsync("status = @Key", query.Status.ToString(), query.Page, query.PageSize, context);

    private static async ValueTask<OrderSummaryPage> PageAsync(string where, string key, int page, int pageSize, QueryContext context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await using var connection = await context.OpenConnectionAsync();
        var sql = $"SELECT {Sql.Columns} FROM order_summaries WHERE {where} ORDER BY placed_at DESC, order_id LIMIT @Take OFFSET @Skip";
        var rows = await connection.QueryAsync<OrderSummary>(
            new CommandDefinition(sql, new { Key = key, Take = pageSize, Skip = (page - 1) * pageSize }, cancellationToken: context.CancellationToken));
        return new OrderSummaryPage([.. rows], page, pageSize);
    }
}

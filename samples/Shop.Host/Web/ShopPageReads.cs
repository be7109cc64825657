using Shop.Orders;
using Shop.ReadModels.Catalog;
using Shop.ReadModels.Categories;
using Shop.ReadModels.OrderDetails;
using Shop.ReadModels.OrderSummaries;
using Tessera.Queries;
using Tessera.Storage;

namespace Shop.Host.Web;

/// <summary>A category and its products, as the catalog page shows them.</summary>
public sealed record CatalogCategory(string Name, IReadOnlyList<CatalogProduct> Products);

/// <summary>An order as its page shows it: its summary, lines and history, read from three queries at one position.</summary>
public sealed record OrderView(OrderSummary Summary, IReadOnlyList<OrderDetailLine> Lines, IReadOnlyList<OrderStep> History)
{
    /// <summary>The order's status.</summary>
    public OrderStatus Status => Enum.Parse<OrderStatus>(Summary.Status);

    /// <summary>The money paid.</summary>
    public decimal Paid => History.Where(s => s.Kind == "paid").Sum(s => s.Amount);

    /// <summary>The money refunded.</summary>
    public decimal Refunded => History.Where(s => s.Kind == "refunded").Sum(s => s.Amount);
}

/// <summary>What a page read: the value, or why there is none (not found, or the read model is behind the token).</summary>
public readonly record struct PageRead<T>(QueryStatus Status, T? Value)
{
    /// <summary>The read models have not caught up with the token yet.</summary>
    public bool NotYetConsistent => Status == QueryStatus.NotYetConsistent;
}

/// <summary>
/// What the Shop's pages read, through the QueryBus in-process. A page that follows a command passes the command's
/// position, so it either shows what the user just did or says it is still updating; it never shows older data as new.
/// </summary>
internal sealed class ShopPageReads(QueryBus queries)
{
    private const int MyOrdersPageSize = 100;

    public async Task<PageRead<IReadOnlyList<CatalogCategory>>> CatalogAsync(long? minPosition, CancellationToken cancellationToken)
    {
        var categories = await queries.QueryAsync(new ListCategories(), At(minPosition), cancellationToken);
        var products = await queries.QueryAsync(new ListProducts(), At(minPosition), cancellationToken);
        if (Worst(categories.Status, products.Status) is var status && status != QueryStatus.Ok)
        {
            return new(status, null);
        }
        IReadOnlyList<CatalogCategory> catalog = [.. categories.Value!.Select(c => new CatalogCategory(c.Name, [.. products.Value!.Where(p => p.CategoryId == c.CategoryId)]))];
        return new(QueryStatus.Ok, catalog);
    }

    public async Task<PageRead<CatalogProduct>> ProductAsync(string? id, CancellationToken cancellationToken)
    {
        if (!Shop.Products.ProductId.TryParse(id, out var productId))
        {
            return new(QueryStatus.NotFound, null);
        }
        var product = await queries.QueryAsync(new GetProduct(productId), null, cancellationToken);
        return new(product.Status, product.Value);
    }

    public async Task<PageRead<OrderView>> OrderAsync(OrderId id, long? minPosition, CancellationToken cancellationToken)
    {
        var summary = await queries.QueryAsync(new GetOrderSummary(id), At(minPosition), cancellationToken);
        var lines = await queries.QueryAsync(new ListOrderLines(id), At(minPosition), cancellationToken);
        var steps = await queries.QueryAsync(new ListOrderSteps(id), At(minPosition), cancellationToken);
        if (Worst(summary.Status, Worst(lines.Status, steps.Status)) is var status && status != QueryStatus.Ok)
        {
            return new(status, null);
        }
        return new(QueryStatus.Ok, new OrderView(summary.Value!, lines.Value!, steps.Value!));
    }

    public async Task<PageRead<IReadOnlyList<OrderSummary>>> OrdersOfAsync(CustomerId customer, long? minPosition, CancellationToken cancellationToken)
    {
        var page = await queries.QueryAsync(new ListOrdersByCustomer(customer, 1, MyOrdersPageSize), At(minPosition), cancellationToken);
        return new(page.Status, page.Value?.Items);
    }

    private static GlobalPosition? At(long? minPosition) => minPosition is { } position ? new GlobalPosition(position) : null;

    // Not yet consistent outranks not found: an order not in the read model yet is not an unknown order.
    private static QueryStatus Worst(QueryStatus a, QueryStatus b) =>
        a == QueryStatus.NotYetConsistent || b == QueryStatus.NotYetConsistent ? QueryStatus.NotYetConsistent
        : a == QueryStatus.NotFound || b == QueryStatus.NotFound ? QueryStatus.NotFound
        : QueryStatus.Ok;
}

using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Shop.Host.Web;

/// <summary>A product as the catalog page shows it.</summary>
public sealed record CatalogProduct(ProductId Id, CategoryId CategoryId, string Name, decimal Price);

/// <summary>A category and its products.</summary>
public sealed record CatalogCategory(CategoryId Id, string Name, IReadOnlyList<CatalogProduct> Products);

/// <summary>One step of an order's history, with the signature its command carried, if any.</summary>
public sealed record OrderStep(string What, DateTimeOffset Time, long Position, string? User, SignatureRecord? Signature);

/// <summary>An order as its page shows it.</summary>
public sealed record OrderView(
    OrderId Id,
    string CustomerId,
    string CustomerName,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    decimal Paid,
    decimal Refunded,
    OrderStatus Status,
    DateTimeOffset PlacedAt,
    IReadOnlyList<OrderStep> History);

/// <summary>
/// What the Shop's pages read, taken straight from the event store's streams (each read folds one stream or lists
/// streams by category), so it is always as new as the last append and a consistency token is met at once.
/// </summary>
internal sealed class ShopReads(IEventStore store, MessageSerializer serializer)
{
    private const int Page = 1_000;

    public async Task<IReadOnlyList<CatalogCategory>> CatalogAsync(CancellationToken cancellationToken)
    {
        var categories = new Dictionary<CategoryId, string>();
        foreach (var e in await ReadCategoryAsync(Category.StreamCategory, cancellationToken))
        {
            switch (e)
            {
                case CategoryAdded added:
                    categories[added.Id] = added.Name;
                    break;
                case CategoryRenamed renamed:
                    categories[renamed.Id] = renamed.Name;
                    break;
            }
        }
        var products = new Dictionary<ProductId, CatalogProduct>();
        foreach (var e in await ReadCategoryAsync(Product.StreamCategory, cancellationToken))
        {
            switch (e)
            {
                case ProductAdded added:
                    products[added.Id] = new CatalogProduct(added.Id, added.CategoryId, added.Name, added.Price);
                    break;
                case ProductPriceChanged changed when products.TryGetValue(changed.Id, out var product):
                    products[changed.Id] = product with { Price = changed.Price };
                    break;
            }
        }
        return [.. categories
            .Select(c => new CatalogCategory(c.Key, c.Value, [.. products.Values.Where(p => p.CategoryId == c.Key).OrderBy(p => p.Name, StringComparer.Ordinal)]))
            .OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    public async Task<CatalogProduct?> ProductAsync(ProductId id, CancellationToken cancellationToken)
    {
        CatalogProduct? product = null;
        foreach (var (e, _) in await ReadStreamAsync(StreamName.For(Product.StreamCategory, id), cancellationToken))
        {
            product = e switch
            {
                ProductAdded added => new CatalogProduct(added.Id, added.CategoryId, added.Name, added.Price),
                ProductPriceChanged changed when product is not null => product with { Price = changed.Price },
                _ => product,
            };
        }
        return product;
    }

    public async Task<OrderView?> OrderAsync(OrderId id, CancellationToken cancellationToken)
    {
        OrderView? order = null;
        var history = new List<OrderStep>();
        foreach (var (e, recorded) in await ReadStreamAsync(StreamName.For(Order.Category, id), cancellationToken))
        {
            var step = (string what) => new OrderStep(what, recorded.Metadata.Time, recorded.Position.Value, recorded.Metadata.User, recorded.Metadata.Signature);
            switch (e)
            {
                case OrderPlaced placed:
                    order = new OrderView(placed.Id, placed.CustomerId.Value, placed.CustomerName, placed.Lines, placed.Total, 0, 0, OrderStatus.Placed, placed.PlacedAt, history);
                    history.Add(step($"Placed, total {placed.Total:0.00}"));
                    break;
                case OrderPaid paid when order is not null:
                    order = order with { Paid = order.Paid + paid.Amount, Status = OrderStatus.Paid };
                    history.Add(step($"Paid {paid.Amount:0.00} (reference {paid.PaymentReference})"));
                    break;
                case OrderShipped shipped when order is not null:
                    order = order with { Status = OrderStatus.Shipped };
                    history.Add(step($"Shipped by {shipped.Carrier}"));
                    break;
                case OrderCancelled cancelled when order is not null:
                    order = order with { Status = OrderStatus.Cancelled };
                    history.Add(step($"Cancelled: {cancelled.Reason}"));
                    break;
                case OrderRefunded refunded when order is not null:
                    order = order with { Refunded = order.Refunded + refunded.Amount };
                    history.Add(step($"Refunded {refunded.Amount:0.00}: {refunded.Reason}"));
                    break;
            }
        }
        return order;
    }

    public async Task<IReadOnlyList<OrderView>> OrdersOfAsync(string customer, CancellationToken cancellationToken)
    {
        var orders = new List<OrderView>();
        if (store is not IStreamCatalog catalog)
        {
            return orders;
        }
        var streams = await catalog.ListStreamsAsync(Order.Category, null, 0, 200, cancellationToken);
        foreach (var stream in streams.Streams)
        {
            if (OrderId.TryParse(stream.Name.Value[(Order.Category.Length + 1)..], out var id)
                && await OrderAsync(id, cancellationToken) is { } order
                && order.CustomerId == customer)
            {
                orders.Add(order);
            }
        }
        return orders;
    }

    private async Task<List<IEvent>> ReadCategoryAsync(string category, CancellationToken cancellationToken)
    {
        var events = new List<IEvent>();
        if (store is not IStreamCatalog catalog)
        {
            return events;
        }
        var streams = await catalog.ListStreamsAsync(category, null, 0, StreamCatalogLimit, cancellationToken);
        foreach (var stream in streams.Streams.Reverse())
        {
            events.AddRange((await ReadStreamAsync(stream.Name, cancellationToken)).Select(e => e.Event));
        }
        return events;
    }

    private const int StreamCatalogLimit = 1_000;

    private async Task<List<(IEvent Event, RecordedEvent Recorded)>> ReadStreamAsync(StreamName stream, CancellationToken cancellationToken)
    {
        var events = new List<(IEvent, RecordedEvent)>();
        var from = StreamVersion.Start;
        while (true)
        {
            var slice = await store.ReadStreamAsync(stream, from, ReadDirection.Forwards, Page, cancellationToken);
            foreach (var e in slice.Events)
            {
                events.Add(((IEvent)serializer.DeserializeEvent(e.Type, e.Data.Span), e));
                from = e.Version.Next;
            }
            if (slice.IsEnd || slice.Events.Count == 0)
            {
                return events;
            }
        }
    }
}

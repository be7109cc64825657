using System.Text;
using Shop.Products;
using Tessera.Messages;
using Tessera.Storage;
using Tessera.Storage.Embedded;
using Xunit;

namespace Shop.Web.Tests;

/// <summary>
/// The Shop host started on a store whose first event is poison for <c>catalog.v1</c>: a product price change whose id
/// is not an id, which only the catalog projection handles and cannot apply. The other projections run past it.
/// </summary>
public sealed class PoisonedSite : ShopSite
{
    public const string Projection = "catalog.v1";
    public const string PoisonType = "shop.product-price-changed.v1";

    public Guid PoisonEventId { get; } = Guid.NewGuid();

    public long PoisonPosition { get; private set; }

    protected override async Task PrepareStoreAsync(string dataFolder)
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = dataFolder });
        var data = Encoding.UTF8.GetBytes("""{"id":"not-an-id","price":5,"previousPrice":40}""");
        var stream = StreamName.For(Product.StreamCategory, new ProductId(Guid.CreateVersion7()));
        var result = await store.AppendAsync(stream, ExpectedVersion.NoStream, [new EventData(PoisonEventId, PoisonType, data, new EventMetadata { Time = DateTimeOffset.UtcNow })]);
        PoisonPosition = result.Position.Value;
    }
}

[CollectionDefinition(Name)]
public sealed class PoisonedSiteCollection : ICollectionFixture<PoisonedSite>
{
    public const string Name = "poisoned site";
}

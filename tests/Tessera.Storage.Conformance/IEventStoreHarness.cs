using Tessera.Storage;

namespace Tessera.Storage.Conformance;

/// <summary>Makes a fresh, empty store for one test and cleans up after it; each store's test project has one.</summary>
public interface IEventStoreHarness : IAsyncDisposable
{
    /// <summary>Creates the empty store the test runs against.</summary>
    ValueTask<IEventStore> CreateStoreAsync();
}

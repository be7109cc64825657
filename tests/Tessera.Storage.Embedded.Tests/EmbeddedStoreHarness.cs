using Tessera.Storage.Conformance;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>A durable embedded store in a temp folder, with small segments so that tests cross segment boundaries.</summary>
public sealed class EmbeddedStoreHarness : IEventStoreHarness
{
    private readonly TempFolder _folder = new();
    private EmbeddedEventStore? _store;

    public ValueTask<IEventStore> CreateStoreAsync()
    {
        _store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = 256 * 1024 });
        return ValueTask.FromResult<IEventStore>(_store);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        _folder.Dispose();
    }
}

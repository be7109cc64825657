using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>The base of every conformance suite: a fresh store from <typeparamref name="THarness"/> for each test.</summary>
public abstract class StoreTests<THarness> : IAsyncLifetime
    where THarness : IEventStoreHarness, new()
{
    private readonly THarness _harness = new();
    private IEventStore? _store;

    /// <summary>The store under test.</summary>
    protected IEventStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await _harness.CreateStoreAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await _harness.DisposeAsync();

    /// <summary>Appends and asserts that the events were written.</summary>
    protected async Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, params EventData[] events)
    {
        var result = await Store.AppendAsync(new StreamName(stream), expected, events);
        Assert.Equal(AppendStatus.Written, result.Status);
        return result;
    }

    /// <summary>Reads the whole log from the start, page by page.</summary>
    protected async Task<List<RecordedEvent>> ReadAllAsync(int pageSize = 1000)
    {
        var events = new List<RecordedEvent>();
        var position = GlobalPosition.Start;
        while (true)
        {
            var slice = await Store.ReadAllAsync(position, pageSize);
            events.AddRange(slice.Events);
            position = slice.Next;
            if (slice.IsEnd)
            {
                return events;
            }
        }
    }

    /// <summary>Reads a whole stream forwards.</summary>
    protected async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string stream) =>
        (await Store.ReadStreamAsync(new StreamName(stream), StreamVersion.Start, ReadDirection.Forwards, StoreArgumentsLimit)).Events;

    private const int StoreArgumentsLimit = 100_000;
}

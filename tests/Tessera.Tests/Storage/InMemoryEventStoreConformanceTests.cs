using Tessera.Storage;
using Tessera.Storage.Conformance;

namespace Tessera.Tests.Storage;

public sealed class InMemoryStoreHarness : IEventStoreHarness
{
    public ValueTask<IEventStore> CreateStoreAsync() => ValueTask.FromResult<IEventStore>(new InMemoryEventStore());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class InMemoryAppendTests : AppendTests<InMemoryStoreHarness>;

public sealed class InMemoryConcurrencyTests : ConcurrencyTests<InMemoryStoreHarness>;

public sealed class InMemoryReadStreamTests : ReadStreamTests<InMemoryStoreHarness>;

public sealed class InMemoryReadAllTests : ReadAllTests<InMemoryStoreHarness>;

public sealed class InMemorySubscriptionTests : SubscriptionTests<InMemoryStoreHarness>;

public sealed class InMemoryIdempotencyTests : IdempotencyTests<InMemoryStoreHarness>;

public sealed class InMemoryArgumentTests : ArgumentTests<InMemoryStoreHarness>;

public sealed class InMemoryStreamLifecycleTests : StreamLifecycleTests<InMemoryStoreHarness>;

public sealed class InMemoryStreamCatalogTests : StreamCatalogTests<InMemoryStoreHarness>;

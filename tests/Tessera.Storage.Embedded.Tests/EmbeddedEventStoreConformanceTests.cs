using Tessera.Storage.Conformance;

namespace Tessera.Storage.Embedded.Tests;

public sealed class EmbeddedAppendTests : AppendTests<EmbeddedStoreHarness>;

public sealed class EmbeddedConcurrencyTests : ConcurrencyTests<EmbeddedStoreHarness>;

public sealed class EmbeddedReadStreamTests : ReadStreamTests<EmbeddedStoreHarness>;

public sealed class EmbeddedReadAllTests : ReadAllTests<EmbeddedStoreHarness>;

public sealed class EmbeddedSubscriptionTests : SubscriptionTests<EmbeddedStoreHarness>;

public sealed class EmbeddedIdempotencyTests : IdempotencyTests<EmbeddedStoreHarness>;

public sealed class EmbeddedArgumentTests : ArgumentTests<EmbeddedStoreHarness>;

public sealed class EmbeddedStreamLifecycleTests : StreamLifecycleTests<EmbeddedStoreHarness>;

public sealed class EmbeddedStreamCatalogTests : StreamCatalogTests<EmbeddedStoreHarness>;

using Tessera.Storage.Conformance;

namespace Tessera.Storage.Postgres.Tests;

public sealed class PostgresAppendTests : AppendTests<PostgresStoreHarness>;

public sealed class PostgresConcurrencyTests : ConcurrencyTests<PostgresStoreHarness>;

public sealed class PostgresReadStreamTests : ReadStreamTests<PostgresStoreHarness>;

public sealed class PostgresReadAllTests : ReadAllTests<PostgresStoreHarness>;

public sealed class PostgresSubscriptionTests : SubscriptionTests<PostgresStoreHarness>;

public sealed class PostgresIdempotencyTests : IdempotencyTests<PostgresStoreHarness>;

public sealed class PostgresArgumentTests : ArgumentTests<PostgresStoreHarness>;

using Xunit;

namespace Tessera.TestServers;

/// <summary>An xunit fixture with its own PostgreSQL cluster for the tests of one class or collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The running server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>An xunit fixture with its own nats-server (JetStream on) for the tests of one class or collection.</summary>
public sealed class NatsFixture : IAsyncLifetime
{
    private NatsServer? _server;

    /// <summary>The running server.</summary>
    public NatsServer Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await NatsServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// One PostgreSQL cluster shared by every test of the process that asks for it (conformance harnesses are made with
/// <c>new()</c> and cannot take fixtures); started on first use, stopped and deleted when the test process exits.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Server = new(StartAsync);

    /// <summary>The shared server, started on first call.</summary>
    public static Task<PostgresServer> GetAsync() => Server.Value;

    private static async Task<PostgresServer> StartAsync()
    {
        var server = await PostgresServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}

using System.Globalization;
using Xunit;

namespace Tessera.TestServers;

/// <summary>
/// A hot standby of a throwaway primary: <c>pg_basebackup -R</c> over loopback into a temporary folder, started on its
/// own free port, streaming from the primary; stopped and deleted on dispose.
/// </summary>
public sealed class PostgresReplica : IAsyncDisposable
{
    private PostgresReplica(PostgresServer server) => Server = server;

    /// <summary>The running standby (read-only).</summary>
    public PostgresServer Server { get; }

    /// <summary>Makes a standby of <paramref name="primary"/> and starts it.</summary>
    public static async Task<PostgresReplica> StartAsync(PostgresServer primary)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var folder = PostgresServer.NewFolder();
        try
        {
            var data = Path.Combine(folder, PostgresServer.DataFolderName);
            await ServerProcess.RunAsync("chown", ["-R", "postgres:postgres", folder], TimeSpan.FromMinutes(1));
            // -R writes standby.signal and primary_conninfo; -X stream ships the WAL written during the copy.
            await PostgresServer.AsPostgresAsync(
                Path.Combine(PostgresServer.BinFolder, "pg_basebackup"),
                "-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                "-D", data, "-R", "-X", "stream", "-c", "fast");
            return new PostgresReplica(await PostgresServer.StartExistingAsync(folder, data, new Dictionary<string, string> { ["hot_standby"] = "on" }));
        }
        catch
        {
            PostgresServer.DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>Stops the standby and deletes its folder.</summary>
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>An xunit fixture with a primary and a streaming hot standby of it.</summary>
public sealed class PostgresReplicaFixture : IAsyncLifetime
{
    private PostgresServer? _primary;
    private PostgresReplica? _replica;

    /// <summary>The primary.</summary>
    public PostgresServer Primary => _primary ?? throw new InvalidOperationException("The servers start in InitializeAsync.");

    /// <summary>The standby.</summary>
    public PostgresServer Replica => _replica?.Server ?? throw new InvalidOperationException("The servers start in InitializeAsync.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _primary = await PostgresServer.StartAsync();
        _replica = await PostgresReplica.StartAsync(_primary);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_replica is not null)
        {
            await _replica.DisposeAsync();
        }
        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }
}

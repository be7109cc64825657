using Npgsql;
using Tessera.Storage.Conformance;
using Tessera.TestServers;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>A fresh store in its own schema of the shared throwaway cluster; the schema is dropped afterwards.</summary>
public sealed class PostgresStoreHarness : IEventStoreHarness
{
    private readonly List<PostgresEventStore> _stores = [];
    private PostgresServer? _server;

    public string Schema { get; } = "t_" + Guid.NewGuid().ToString("N");

    public string ConnectionString => _server!.ConnectionString();

    public async ValueTask<IEventStore> CreateStoreAsync() => await OpenAsync();

    /// <summary>Opens a store on the harness's schema (another one on the same schema plays another process).</summary>
    public async Task<PostgresEventStore> OpenAsync(Action<PostgresStoreOptions>? configure = null)
    {
        _server ??= await SharedPostgres.GetAsync();
        var options = new PostgresStoreOptions { ConnectionString = _server.ConnectionString(), Schema = Schema };
        configure?.Invoke(options);
        var store = new PostgresEventStore(options);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        if (_server is not null)
        {
            await using var connection = new NpgsqlConnection(_server.ConnectionString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

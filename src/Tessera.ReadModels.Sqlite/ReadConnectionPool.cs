using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// Open read-only connections to one generation's file, each keeping its prepared statements; disposing one hands it
/// back. Disposing the pool (the generation was swapped out or the store closes) closes the idle ones and every one
/// handed back later.
/// </summary>
internal sealed class ReadConnectionPool(string connectionString) : IDisposable
{
    private const int MaxIdle = 16;
    private readonly ConcurrentBag<PreparedSqliteConnection> _idle = [];
    private volatile bool _closed;

    public async ValueTask<DbConnection> RentAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryTake(out var kept))
        {
            kept.Revive();
            return kept;
        }
        var inner = new SqliteConnection(connectionString);
        await inner.OpenAsync(cancellationToken);
        return new PreparedSqliteConnection(inner, Return);
    }

    public void Dispose()
    {
        _closed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Destroy();
        }
    }

    private void Return(PreparedSqliteConnection connection)
    {
        if (_closed || _idle.Count >= MaxIdle)
        {
            connection.Destroy();
            return;
        }
        _idle.Add(connection);
        if (_closed && _idle.TryTake(out var late))
        {
            late.Destroy();
        }
    }
}

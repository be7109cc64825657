using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>
/// Listens on the store's channel on one connection and wakes live subscribers when any process commits appends
/// (LISTEN/NOTIFY), so subscriptions wait instead of polling; reconnects after a lost connection and wakes everyone,
/// since a notification may have been missed meanwhile.
/// </summary>
internal sealed partial class NotificationListener(NpgsqlDataSource dataSource, Sql sql, Action notified, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _loop;

    /// <summary>Starts listening, once.</summary>
    public void EnsureStarted()
    {
        lock (_lock)
        {
            _loop ??= Task.Run(() => ListenAsync(_stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => notified();
                await using (var listen = new NpgsqlCommand(sql.Listen, connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }
                notified();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (Exception error) when (error is NpgsqlException or IOException && !cancellationToken.IsCancellationRequested)
            {
                LogListenFailed(logger, error);
                notified();
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for appends on PostgreSQL failed; reconnecting in one second.")]
    private static partial void LogListenFailed(ILogger logger, Exception error);
}

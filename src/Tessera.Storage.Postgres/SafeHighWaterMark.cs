using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>
/// The highest global position up to which the log is final: every position at or below it is either visible or will
/// never be (a rolled-back append). Positions come from a sequence and commit out of order, so a reader that went up to
/// the highest visible position could skip an event that a slower transaction commits later at a lower position.
/// </summary>
/// <remarks>
/// Every append holds a shared advisory lock from before it draws its first position until it ends. To advance, the
/// mark reads the sequence's last drawn value L, then lists the lock's holders: a transaction that drew a position at
/// or below L drew it before L was read, so it held the lock then and is either in that list or already finished
/// (committed, and visible to any later statement, because PostgreSQL makes a commit visible before it releases the
/// transaction's locks; or rolled back). L is safe once none of the listed holders still holds the lock. Until then the
/// mark advances over the unbroken run of visible positions, which are final whatever the holders do.
/// </remarks>
internal sealed class SafeHighWaterMark(NpgsqlDataSource dataSource, Sql sql, Action advanced) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _safe;
    private long _pendingTop;
    private string[]? _pendingHolders;

    /// <summary>The mark as last computed.</summary>
    public long Known => Volatile.Read(ref _safe);

    /// <summary>True when a candidate waits for transactions still in flight (a subscriber then looks again soon).</summary>
    public bool IsWaiting => Volatile.Read(ref _pendingHolders) is not null;

    /// <summary>Advances the mark as far as it can without waiting for a transaction in flight.</summary>
    public async ValueTask<long> AdvanceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await StepAsync(cancellationToken);
            return _safe;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Advances the mark at least to every position drawn before the call, waiting for the appends that drew them to end:
    /// after this, every append acknowledged before the call is below the mark.
    /// </summary>
    public async ValueTask<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        long target;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var sequence = new NpgsqlCommand(sql.Sequence, connection))
        {
            target = (long)(await sequence.ExecuteScalarAsync(cancellationToken))!;
        }
        var delay = 1;
        while (true)
        {
            var safe = await AdvanceAsync(cancellationToken);
            if (safe >= target)
            {
                return safe;
            }
            await Task.Delay(delay, cancellationToken);
            delay = Math.Min(delay * 2, 50);
        }
    }

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var before = _safe;
        if (_pendingHolders is { } holders)
        {
            await using var left = new NpgsqlCommand(sql.HoldersLeft, connection) { Parameters = { new() { Value = holders } } };
            if ((long)(await left.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                await using var prefix = new NpgsqlCommand(sql.Prefix, connection) { Parameters = { new() { Value = _safe }, new() { Value = _pendingTop } } };
                Set(Math.Max(_safe, (long)(await prefix.ExecuteScalarAsync(cancellationToken))!));
                Signal(before);
                return;
            }
            Set(Math.Max(_safe, _pendingTop));
            Volatile.Write(ref _pendingHolders, null);
        }

        var (top, run) = await ReadSequenceAndPrefixAsync(connection, _safe, cancellationToken);
        if (top > _safe)
        {
            if (run >= top)
            {
                Set(top);
            }
            else
            {
                // Must run after the sequence was read (a separate statement): see the remarks.
                await using var list = new NpgsqlCommand(sql.Holders, connection);
                var now = (string[])(await list.ExecuteScalarAsync(cancellationToken))!;
                if (now.Length == 0)
                {
                    Set(top);
                }
                else
                {
                    Set(Math.Max(_safe, run));
                    _pendingTop = top;
                    Volatile.Write(ref _pendingHolders, now);
                }
            }
        }
        Signal(before);
    }

    private async Task<(long Top, long Run)> ReadSequenceAndPrefixAsync(NpgsqlConnection connection, long safe, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql.SequenceAndPrefix, connection) { Parameters = { new() { Value = safe } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public void Dispose() => _gate.Dispose();

    private void Set(long value) => Volatile.Write(ref _safe, value);

    private void Signal(long before)
    {
        if (_safe > before)
        {
            advanced();
        }
    }
}

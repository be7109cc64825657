using System.Threading.Channels;
using NATS.Client.JetStream;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>
/// The relay's publishes in flight: a task of its own awaits their acknowledgements in order, so the relay publishes the
/// next events while the broker stores the previous ones instead of waiting a round trip per batch. At most
/// <c>capacity</c> messages wait; the first failed acknowledgement cancels <see cref="Token"/>, which stops the relay's
/// publishing, and <see cref="CompleteAsync"/> throws it. A failed message can leave no hole: every later one was
/// published expecting its id as the last, so the broker refuses them all.
/// </summary>
internal sealed class AckWindow : IAsyncDisposable
{
    private readonly Channel<(NatsJSPublishConcurrentFuture Future, GlobalPosition Last)> _pending;
    private readonly CancellationTokenSource _stop;
    private readonly Action<GlobalPosition> _acknowledged;
    private readonly Task _acking;

    public AckWindow(int capacity, Action<GlobalPosition> acknowledged, CancellationToken cancellationToken)
    {
        _pending = Channel.CreateBounded<(NatsJSPublishConcurrentFuture, GlobalPosition)>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _acknowledged = acknowledged;
        _acking = Task.Run(AckAsync, CancellationToken.None);
    }

    /// <summary>Canceled when an acknowledgement failed or the relay stops.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Hands over a published message whose last event is <paramref name="last"/>; waits while the window is full.</summary>
    public async ValueTask AddAsync(NatsJSPublishConcurrentFuture future, GlobalPosition last)
    {
        try
        {
            await _pending.Writer.WriteAsync((future, last), _stop.Token);
        }
        catch
        {
            await future.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the acknowledgements of everything handed over, and throws the first failure.</summary>
    public async Task CompleteAsync()
    {
        _pending.Writer.TryComplete();
        await _acking;
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _acking;
        }
        catch (Exception)
        {
            // Disposal only ends the window; a failure was thrown by CompleteAsync or is moot because the relay stops.
        }
        _stop.Dispose();
    }

    private async Task AckAsync()
    {
        try
        {
            await foreach (var (future, last) in _pending.Reader.ReadAllAsync(_stop.Token))
            {
                await using (future)
                {
                    (await future.GetResponseAsync(_stop.Token)).EnsureSuccess();
                }
                _acknowledged(last);
            }
        }
        catch
        {
            await _stop.CancelAsync();
            throw;
        }
        finally
        {
            while (_pending.Reader.TryRead(out var left))
            {
                await left.Future.DisposeAsync();
            }
        }
    }
}

using Microsoft.Extensions.Hosting;
using Tessera.Storage;

namespace Tessera.AspNetCore.Admin;

/// <summary>One sample of the live chart: the time and the log's head then.</summary>
internal readonly record struct RateSample(DateTimeOffset Time, long Head);

/// <summary>Samples the event store's head once a second and keeps the last two minutes, for the console's live chart.</summary>
internal sealed class AppendRate(IEventStore store, TimeProvider time) : BackgroundService
{
    public const int Kept = 120;

    private readonly Lock _lock = new();
    private readonly Queue<RateSample> _samples = new(Kept + 1);

    /// <summary>The head at the last sample.</summary>
    public long Head
    {
        get
        {
            lock (_lock)
            {
                return _samples.Count == 0 ? 0 : _samples.Last().Head;
            }
        }
    }

    /// <summary>Events appended per second between consecutive samples, oldest first, with the time of each.</summary>
    public IReadOnlyList<(DateTimeOffset Time, double PerSecond)> PerSecond()
    {
        RateSample[] samples;
        lock (_lock)
        {
            samples = [.. _samples];
        }
        var rates = new List<(DateTimeOffset, double)>(samples.Length);
        for (var i = 1; i < samples.Length; i++)
        {
            var seconds = (samples[i].Time - samples[i - 1].Time).TotalSeconds;
            rates.Add((samples[i].Time, seconds <= 0 ? 0 : (samples[i].Head - samples[i - 1].Head) / seconds));
        }
        return rates;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            try
            {
                var head = await store.ReadHeadAsync(stoppingToken);
                lock (_lock)
                {
                    _samples.Enqueue(new RateSample(time.GetUtcNow(), head.Value));
                    if (_samples.Count > Kept)
                    {
                        _samples.Dequeue();
                    }
                }
            }
            catch (Exception e) when (e is EventStoreUnavailableException or ObjectDisposedException or IOException)
            {
                // A store that is closing or read-only has no rate to show; the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

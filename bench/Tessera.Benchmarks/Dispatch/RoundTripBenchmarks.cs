using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Storage;

namespace Tessera.Benchmarks.Dispatch;

/// <summary>
/// The whole in-process round trip on the in-memory store: dispatch, load a 10-event aggregate (JSON), When, append.
/// Each iteration gets fresh aggregates of exactly 10 events, so every operation loads the same amount.
/// </summary>
[MemoryDiagnoser]
public class RoundTripBenchmarks
{
    private const int Aggregates = 2_000;
    private readonly CommandContext _context = new() { User = BenchApp.User };
    private ServiceProvider _provider = null!;
    private CommandBus _bus = null!;
    private Increment[] _commands = null!;

    [IterationSetup]
    public void Setup()
    {
        _provider?.Dispose();
        _provider = BenchApp.Provider(new InMemoryEventStore());
        _bus = _provider.GetRequiredService<CommandBus>();
        _commands = new Increment[Aggregates];
        for (var i = 0; i < Aggregates; i++)
        {
            var id = new CounterId(Guid.CreateVersion7());
            Send(new StartCounter(id));
            for (var e = 1; e < 10; e++)
            {
                Send(new Increment(id, 1));
            }
            _commands[i] = new Increment(id, 1);
        }
    }

    [Benchmark(OperationsPerInvoke = Aggregates)]
    public async Task Dispatch_load_10_events_when_append()
    {
        foreach (var command in _commands)
        {
            var result = await _bus.SendAsync(command, _context);
            if (!result.IsAccepted)
            {
                throw new InvalidOperationException(result.ToString());
            }
        }
    }

    private void Send(Messages.ICommand command)
    {
        var result = _bus.SendAsync(command, _context).AsTask().GetAwaiter().GetResult();
        if (!result.IsAccepted)
        {
            throw new InvalidOperationException(result.ToString());
        }
    }
}

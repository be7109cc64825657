using BenchmarkDotNet.Attributes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Storage;

namespace Tessera.Benchmarks.Dispatch;

/// <summary>One dispatch of a no-op command: Tessera's bus through its built-in steps, next to Mediator with two behaviours.</summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private readonly Touch _command = new(new CounterId(Guid.CreateVersion7()), 1);
    private readonly MediatorTouch _mediatorCommand = new(Guid.CreateVersion7(), 1);
    private readonly CommandContext _context = new() { User = BenchApp.User };
    private readonly CommandContext _withCommandId = new() { User = BenchApp.User, CommandId = Guid.CreateVersion7() };
    private ServiceProvider _tessera = null!;
    private ServiceProvider _mediatorServices = null!;
    private CommandBus _bus = null!;
    private IMediator _mediator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tessera = BenchApp.Provider(new InMemoryEventStore());
        _bus = _tessera.GetRequiredService<CommandBus>();
        var services = new ServiceCollection();
        services.AddMediator(o => o.ServiceLifetime = ServiceLifetime.Singleton);
        services.AddSingleton<IPipelineBehavior<MediatorTouch, MediatorResult>, AuthorizationBehavior>();
        services.AddSingleton<IPipelineBehavior<MediatorTouch, MediatorResult>, ValidationBehavior>();
        _mediatorServices = services.BuildServiceProvider();
        _mediator = _mediatorServices.GetRequiredService<IMediator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tessera.Dispose();
        _mediatorServices.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<MediatorResult> Mediator_two_behaviours() => _mediator.Send(_mediatorCommand);

    [Benchmark]
    public ValueTask<CommandResult> Tessera_built_in_steps() => _bus.SendAsync(_command, _context);

    /// <summary>A caller-supplied command id: the idempotency step hashes it and looks its first event up in the store.</summary>
    [Benchmark]
    public ValueTask<CommandResult> Tessera_built_in_steps_with_command_id() => _bus.SendAsync(_command, _withCommandId);
}

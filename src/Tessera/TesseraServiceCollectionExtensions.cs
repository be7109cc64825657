using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera;

/// <summary>The entry point: <c>services.AddTessera(b => b.AddShop()...)</c>.</summary>
public static class TesseraServiceCollectionExtensions
{
    /// <summary>Adds Tessera's command and read sides, configured by <paramref name="configure"/>; the whole configuration is checked when the host starts.</summary>
    public static IServiceCollection AddTessera(this IServiceCollection services, Action<TesseraBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(s => s.ServiceType == typeof(TesseraModel)))
        {
            throw new InvalidOperationException("AddTessera is called once per service collection; put every module into that one call.");
        }
        var model = new TesseraModel(services);
        configure(new TesseraBuilder(model));
        services.AddSingleton(model);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<TesseraModel>().Compile());
        services.AddSingleton(sp => sp.GetRequiredService<CompiledModel>().Serializer);
        services.AddSingleton(sp => sp.GetRequiredService<CompiledModel>().Registry);
        services.AddSingleton(sp => new AggregateFactory(
            sp.GetRequiredService<CompiledModel>().Aggregates,
            sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<MessageSerializer>(),
            sp.GetRequiredService<TimeProvider>(),
            model.Options,
            sp.GetService<ILogger<AggregateFactory>>() ?? NullLogger<AggregateFactory>.Instance,
            sp.GetRequiredService<CommandMetrics>()));
        services.AddSingleton(sp => new SignatureAudit(sp.GetRequiredService<IEventStore>()));
        services.AddSingleton(sp => new CommandBus(
            sp.GetRequiredService<CompiledModel>().Commands,
            [.. model.Steps.Select(s => ((ICommandStep)sp.GetRequiredService(s.StepType), s.Before))],
            sp,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CommandMetrics>()));
        services.TryAddSingleton(sp => new CommandMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<TesseraStartupCheck>();
        Projections.ReadSideServices.Add(services, model);
        return services;
    }
}

/// <summary>Builds the command bus when the host starts, so a configuration problem stops the start instead of the first request.</summary>
internal sealed class TesseraStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<CommandBus>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

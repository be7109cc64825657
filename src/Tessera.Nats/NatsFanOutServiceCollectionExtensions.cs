using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.Projections;
using Tessera.Storage;

namespace Tessera.Nats;

/// <summary>Where the read side's events come from.</summary>
public enum ReadSource
{
    /// <summary>The process's own event store (the default).</summary>
    Local,

    /// <summary>The JetStream stream a write host's relay fills; the process needs no event store.</summary>
    Nats,
}

/// <summary>Registers the NATS fan-out as the configuration asks: the relay on a write host, the NATS read source on a read host.</summary>
public static class NatsFanOutServiceCollectionExtensions
{
    /// <summary>The configuration key that picks the read side's event source: Local (the default) or Nats.</summary>
    public const string ReadSourceKey = "Tessera:ReadSource";

    /// <summary>The configuration key that runs the relay (true or false; false by default).</summary>
    public const string RelayKey = "Tessera:Nats:Relay";

    /// <summary>
    /// Reads <c>Tessera:ReadSource</c> (Local or Nats), <c>Tessera:Nats:Relay</c> (true or false) and the
    /// <see cref="NatsFanOutOptions"/> under <c>Tessera:Nats</c>. With the relay on, this host publishes its store's
    /// events to JetStream. With the read source Nats, its projections read from JetStream and it has no event store:
    /// call this after the store's registration, which it replaces. With neither, it changes nothing.
    /// </summary>
    public static TesseraBuilder UseConfiguredFanOut(this TesseraBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var source = configuration[ReadSourceKey];
        var readSource = string.IsNullOrWhiteSpace(source) ? ReadSource.Local
            : Enum.TryParse<ReadSource>(source, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new ArgumentException($"{ReadSourceKey} is '{source}'; it must be Local or Nats.", nameof(configuration));
        var relayText = configuration[RelayKey];
        var relay = string.IsNullOrWhiteSpace(relayText) ? false
            : bool.TryParse(relayText, out var on) ? on
            : throw new ArgumentException($"{RelayKey} is '{relayText}'; it must be true or false.", nameof(configuration));
        if (relay && readSource == ReadSource.Nats)
        {
            throw new ArgumentException($"{RelayKey} is true and {ReadSourceKey} is Nats: the relay publishes a local event store, which a host reading from NATS does not have.", nameof(configuration));
        }
        if (!relay && readSource == ReadSource.Local)
        {
            return builder;
        }
        var options = new NatsFanOutOptions();
        configuration.GetSection(NatsFanOutOptions.SectionName).Bind(options);
        options.Validate();
        return relay ? builder.UseNatsRelay(options) : builder.UseNatsReadSource(options);
    }

    /// <summary>Runs the relay from this host's event store to JetStream as a hosted service.</summary>
    public static TesseraBuilder UseNatsRelay(this TesseraBuilder builder, NatsFanOutOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        builder.Services.AddSingleton(sp => new NatsEventRelay(sp.GetRequiredService<IEventStore>(), options, sp.GetService<ILogger<NatsEventRelay>>()));
        builder.Services.AddHostedService(sp => new NatsRelayService(sp.GetRequiredService<NatsEventRelay>()));
        return builder;
    }

    /// <summary>Feeds this host's projections from JetStream and replaces its event store with one that only knows the head and the log.</summary>
    public static TesseraBuilder UseNatsReadSource(this TesseraBuilder builder, NatsFanOutOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var services = builder.Services;
        services.AddSingleton(sp => new NatsEventSource(options, sp.GetService<ILogger<NatsEventSource>>()));
        services.Replace(ServiceDescriptor.Singleton<IProjectionEventSource>(sp => sp.GetRequiredService<NatsEventSource>()));
        // No event store of the write side is opened here: the registered one (and its folder or database) is never resolved.
        services.Replace(ServiceDescriptor.Singleton<IEventStore>(sp => new NatsReadHostEventStore(sp.GetRequiredService<NatsEventSource>())));
        services.RemoveAll<IStreamLifecycle>();
        services.RemoveAll<IStreamCatalog>();
        return builder;
    }
}

/// <summary>Runs the relay for the host's lifetime.</summary>
internal sealed class NatsRelayService(NatsEventRelay relay) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await relay.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

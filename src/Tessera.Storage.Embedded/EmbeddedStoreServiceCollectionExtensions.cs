using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Tessera.Storage.Embedded;

/// <summary>Registers the embedded event store.</summary>
public static class EmbeddedStoreServiceCollectionExtensions
{
    /// <summary>Registers the embedded store as the <see cref="IEventStore"/>, opened on first use and closed with the container.</summary>
    public static IServiceCollection AddEmbeddedEventStore(this IServiceCollection services, Action<EmbeddedStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EmbeddedStoreOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new EmbeddedEventStore(sp.GetRequiredService<EmbeddedStoreOptions>(), sp.GetService<ILogger<EmbeddedEventStore>>()));
        services.Replace(ServiceDescriptor.Singleton<IEventStore>(sp => sp.GetRequiredService<EmbeddedEventStore>()));
        services.Replace(ServiceDescriptor.Singleton<IStreamLifecycle>(sp => sp.GetRequiredService<EmbeddedEventStore>()));
        return services;
    }

    /// <summary>Keeps events in the embedded store: files in <see cref="EmbeddedStoreOptions.DataFolder"/>, durable on every append.</summary>
    public static TesseraBuilder UseEmbeddedStore(this TesseraBuilder builder, Action<EmbeddedStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEmbeddedEventStore(configure);
        return builder;
    }
}

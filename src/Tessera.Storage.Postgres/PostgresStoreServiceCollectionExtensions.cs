using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Tessera.Storage.Postgres;

/// <summary>Registers the PostgreSQL event store, or whichever store the configuration names.</summary>
public static class PostgresStoreServiceCollectionExtensions
{
    /// <summary>The configuration key that picks the event store: Embedded (the default) or Postgres.</summary>
    public const string StoreKey = "Tessera:Store";

    /// <summary>The connection string name used when <c>Tessera:Postgres:ConnectionString</c> is not set.</summary>
    public const string ConnectionStringName = "Tessera";

    /// <summary>Registers the PostgreSQL store as the <see cref="IEventStore"/>; the schema is created or migrated on first use.</summary>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStoreOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<PostgresStoreOptions>(), sp.GetService<ILogger<PostgresEventStore>>(), sp.GetService<InlineAppendProjector>));
        services.Replace(ServiceDescriptor.Singleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>()));
        return services;
    }

    /// <summary>Keeps events in PostgreSQL.</summary>
    public static TesseraBuilder UsePostgresStore(this TesseraBuilder builder, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPostgresEventStore(configure);
        return builder;
    }

    /// <summary>
    /// Registers the store that <c>Tessera:Store</c> names: <c>Embedded</c> (default; <paramref name="embedded"/>
    /// registers it, so this project needs no reference to its sibling) or <c>Postgres</c> (settings from
    /// <c>Tessera:Postgres</c>, the connection string from <c>Tessera:Postgres:ConnectionString</c> or else
    /// <c>ConnectionStrings:Tessera</c>).
    /// </summary>
    public static IServiceCollection AddTesseraStorage(this IServiceCollection services, IConfiguration configuration, Action<IServiceCollection> embedded)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(embedded);
        var store = configuration[StoreKey];
        if (string.IsNullOrWhiteSpace(store) || string.Equals(store, "Embedded", StringComparison.OrdinalIgnoreCase))
        {
            embedded(services);
            return services;
        }
        if (string.Equals(store, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            return services.AddPostgresEventStore(options =>
            {
                configuration.GetSection(PostgresStoreOptions.SectionName).Bind(options);
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = configuration.GetConnectionString(ConnectionStringName) ?? "";
                }
            });
        }
        throw new ArgumentException($"{StoreKey} is '{store}'; it must be Embedded or Postgres.", nameof(configuration));
    }

    /// <summary>Keeps events in the store the configuration names (see <see cref="AddTesseraStorage"/>).</summary>
    public static TesseraBuilder UseConfiguredStore(this TesseraBuilder builder, IConfiguration configuration, Action<IServiceCollection> embedded)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTesseraStorage(configuration, embedded);
        return builder;
    }
}

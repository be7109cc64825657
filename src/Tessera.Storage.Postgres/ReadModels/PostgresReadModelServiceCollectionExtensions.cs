using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Projections;

namespace Tessera.Storage.Postgres;

/// <summary>Registers the PostgreSQL read models, or whichever read database the configuration names.</summary>
public static class PostgresReadModelServiceCollectionExtensions
{
    /// <summary>The configuration key that picks the read database: Sqlite (the default) or Postgres.</summary>
    public const string ReadStoreKey = "Tessera:ReadModels:Store";

    /// <summary>The connection string of the read database; <c>ConnectionStrings:Tessera</c> when it is not set.</summary>
    public const string ReadConnectionStringName = "TesseraRead";

    /// <summary>The optional connection string of a read-only streaming replica that queries read from.</summary>
    public const string ReplicaConnectionStringName = "TesseraReadReplica";

    /// <summary>Keeps read models and their checkpoints in PostgreSQL; the catalog and tables are created on first use.</summary>
    public static IServiceCollection AddPostgresReadModels(this IServiceCollection services, Action<PostgresReadModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresReadModelOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new PostgresReadModelStore(sp.GetRequiredService<PostgresReadModelOptions>()));
        services.Replace(ServiceDescriptor.Singleton<IReadModelStore>(sp => sp.GetRequiredService<PostgresReadModelStore>()));
        // With the events in the same database, inline projections run inside the append's transaction.
        services.TryAddSingleton(sp => InlineAppendProjector.Create(sp)!);
        return services;
    }

    /// <summary>Keeps read models in the PostgreSQL database <paramref name="connectionString"/> names (the events' database or another).</summary>
    public static TesseraBuilder UsePostgresReadModels(this TesseraBuilder builder, string connectionString, string? replicaConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPostgresReadModels(o =>
        {
            o.ConnectionString = connectionString;
            o.ReplicaConnectionString = replicaConnectionString;
        });
        return builder;
    }

    /// <summary>Keeps read models in PostgreSQL with the given settings.</summary>
    public static TesseraBuilder UsePostgresReadModels(this TesseraBuilder builder, Action<PostgresReadModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPostgresReadModels(configure);
        return builder;
    }

    /// <summary>
    /// Registers the read database that <c>Tessera:ReadModels:Store</c> names: <c>Sqlite</c> (default; <paramref name="sqlite"/>
    /// registers it, so this project needs no reference to its sibling) or <c>Postgres</c> (the connection string
    /// <c>ConnectionStrings:TesseraRead</c>, else <c>ConnectionStrings:Tessera</c>; queries read the replica
    /// <c>ConnectionStrings:TesseraReadReplica</c> when it is set).
    /// </summary>
    public static IServiceCollection AddTesseraReadModels(this IServiceCollection services, IConfiguration configuration, Action<IServiceCollection> sqlite)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sqlite);
        var store = configuration[ReadStoreKey];
        if (string.IsNullOrWhiteSpace(store) || string.Equals(store, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            sqlite(services);
            return services;
        }
        if (!string.Equals(store, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{ReadStoreKey} is '{store}'; it must be Sqlite or Postgres.", nameof(configuration));
        }
        var connectionString = configuration.GetConnectionString(ReadConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = configuration.GetConnectionString(PostgresStoreServiceCollectionExtensions.ConnectionStringName);
        }
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"{ReadStoreKey} is Postgres, but neither ConnectionStrings:{ReadConnectionStringName} nor ConnectionStrings:{PostgresStoreServiceCollectionExtensions.ConnectionStringName} is set.", nameof(configuration));
        }
        var replica = configuration.GetConnectionString(ReplicaConnectionStringName);
        return services.AddPostgresReadModels(o =>
        {
            o.ConnectionString = connectionString;
            o.ReplicaConnectionString = string.IsNullOrWhiteSpace(replica) ? null : replica;
        });
    }

    /// <summary>Keeps read models in the database the configuration names (see <see cref="AddTesseraReadModels"/>).</summary>
    public static TesseraBuilder UseConfiguredReadModels(this TesseraBuilder builder, IConfiguration configuration, Action<IServiceCollection> sqlite)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTesseraReadModels(configuration, sqlite);
        return builder;
    }
}

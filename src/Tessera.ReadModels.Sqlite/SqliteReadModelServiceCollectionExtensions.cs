using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Projections;

namespace Tessera.ReadModels.Sqlite;

/// <summary>Registers the SQLite read models.</summary>
public static class SqliteReadModelServiceCollectionExtensions
{
    /// <summary>Keeps read models in SQLite files under <see cref="SqliteReadModelOptions.DataFolder"/>.</summary>
    public static IServiceCollection AddSqliteReadModels(this IServiceCollection services, Action<SqliteReadModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteReadModelOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new SqliteReadModelStore(sp.GetRequiredService<SqliteReadModelOptions>()));
        services.Replace(ServiceDescriptor.Singleton<IReadModelStore>(sp => sp.GetRequiredService<SqliteReadModelStore>()));
        return services;
    }

    /// <summary>Keeps read models in SQLite files: the embedded default read database.</summary>
    public static TesseraBuilder UseSqliteReadModels(this TesseraBuilder builder, Action<SqliteReadModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqliteReadModels(configure);
        return builder;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded;
using Tessera.TestServers;
using Xunit;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>Switching the event store by configuration only.</summary>
public sealed class StorageConfigurationTests
{
    [Fact]
    public async Task tessera_store_postgres_with_a_connection_string_gives_a_working_postgres_store()
    {
        var server = await SharedPostgres.GetAsync();
        var schema = "c_" + Guid.NewGuid().ToString("N");
        var configuration = Configure(new()
        {
            ["Tessera:Store"] = "Postgres",
            ["ConnectionStrings:Tessera"] = server.ConnectionString(),
            ["Tessera:Postgres:Schema"] = schema,
        });
        await using var services = new ServiceCollection().AddTesseraStorage(configuration, Embedded(configuration)).BuildServiceProvider();

        var store = services.GetRequiredService<IEventStore>();
        var result = await store.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, [TestEvents.One()]);

        var postgres = Assert.IsType<PostgresEventStore>(store);
        Assert.Equal(schema, postgres.Schema);
        Assert.Equal(AppendStatus.Written, result.Status);
    }

    [Fact]
    public async Task no_store_setting_means_the_embedded_store()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tessera-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var services = new ServiceCollection()
                .AddTesseraStorage(Configure(new() { ["Tessera:EmbeddedStore:DataFolder"] = folder }), Embedded(Configure(new() { ["Tessera:EmbeddedStore:DataFolder"] = folder })))
                .BuildServiceProvider();

            Assert.IsType<EmbeddedEventStore>(services.GetRequiredService<IEventStore>());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void an_unknown_store_name_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTesseraStorage(Configure(new() { ["Tessera:Store"] = "Oracle" }), _ => { }));

        Assert.Contains("Tessera:Store", error.Message, StringComparison.Ordinal);
        Assert.Contains("Oracle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void postgres_without_a_connection_string_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTesseraStorage(Configure(new() { ["Tessera:Store"] = "Postgres" }), _ => { }));

        Assert.Contains("ConnectionString is required", error.Message, StringComparison.Ordinal);
    }

    private static Action<IServiceCollection> Embedded(IConfiguration configuration) =>
        services => services.AddEmbeddedEventStore(options => configuration.GetSection(EmbeddedStoreOptions.SectionName).Bind(options));

    private static IConfiguration Configure(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

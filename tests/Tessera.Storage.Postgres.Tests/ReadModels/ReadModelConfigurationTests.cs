using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

public sealed class ReadModelConfigurationTests
{
    private const string Events = "Host=127.0.0.1;Port=5432;Database=events";
    private const string Read = "Host=127.0.0.1;Port=5432;Database=read";
    private const string Replica = "Host=127.0.0.1;Port=5433;Database=read";

    [Fact]
    public void without_a_setting_the_sqlite_registration_runs()
    {
        var sqlite = 0;
        var services = new ServiceCollection().AddTesseraReadModels(Configuration([]), _ => sqlite++);
        Assert.Equal(1, sqlite);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(PostgresReadModelOptions));
    }

    [Fact]
    public void postgres_takes_the_events_connection_string_when_no_read_one_is_given()
    {
        var options = Resolve(Configuration(new() { ["Tessera:ReadModels:Store"] = "postgres", ["ConnectionStrings:Tessera"] = Events }));
        Assert.Equal((Events, null), (options.ConnectionString, options.ReplicaConnectionString));
    }

    [Fact]
    public void postgres_prefers_the_read_connection_string_and_reads_the_replica_when_one_is_given()
    {
        var options = Resolve(Configuration(new()
        {
            ["Tessera:ReadModels:Store"] = "Postgres",
            ["ConnectionStrings:Tessera"] = Events,
            ["ConnectionStrings:TesseraRead"] = Read,
            ["ConnectionStrings:TesseraReadReplica"] = Replica,
        }));
        Assert.Equal((Read, Replica), (options.ConnectionString, options.ReplicaConnectionString));
    }

    [Fact]
    public void postgres_without_any_connection_string_is_refused_naming_both_keys()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTesseraReadModels(Configuration(new() { ["Tessera:ReadModels:Store"] = "Postgres" }), _ => { }));
        Assert.Contains("ConnectionStrings:TesseraRead", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Tessera ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void an_unknown_read_store_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTesseraReadModels(Configuration(new() { ["Tessera:ReadModels:Store"] = "Oracle" }), _ => { }));
        Assert.Contains("'Oracle'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_blank_replica_connection_string_is_refused_by_the_options()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddPostgresReadModels(o => (o.ConnectionString, o.ReplicaConnectionString) = (Read, " ")));
        Assert.Contains("ReplicaConnectionString", error.Message, StringComparison.Ordinal);
    }

    private static PostgresReadModelOptions Resolve(IConfiguration configuration)
    {
        using var provider = new ServiceCollection().AddTesseraReadModels(configuration, _ => throw new InvalidOperationException("SQLite was chosen")).BuildServiceProvider();
        return provider.GetRequiredService<PostgresReadModelOptions>();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shop.Categories;
using Shop.Products;
using Shop.ReadModels.Catalog;
using Tessera.Queries;
using Tessera.TestServers;
using Xunit;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

/// <summary>Projections write on the primary; queries read a streaming replica made by pg_basebackup.</summary>
public sealed class ReplicaReadTests(PostgresReplicaFixture servers) : IClassFixture<PostgresReplicaFixture>
{
    [Fact]
    public async Task a_query_with_a_token_waits_until_the_replica_has_replayed_the_checkpoint_and_answers_not_yet_consistent_past_the_bound()
    {
        var primary = await PostgresReadSide.NewDatabaseAsync(servers.Primary);
        var database = new NpgsqlConnectionStringBuilder(primary).Database!;
        await using var shop = await PostgresReadSide.StartAsync(primary, new InMemoryEventStore(), b => b.Options.ConsistencyWait = TimeSpan.FromSeconds(10), servers.Replica.ConnectionString(database));
        var queries = shop.Provider.GetRequiredService<QueryBus>();
        var toys = CategoryId.New();
        var ball = ProductId.New();
        await shop.SendAsync(new AddCategory(toys, "Toys"));
        var added = await shop.SendAsync(new AddProduct(ball, toys, "Ball", 3.5m));
        Assert.Equal("Ball", (await queries.QueryAsync(new GetProduct(ball), added.Position)).Value!.Name);

        await using var replica = new NpgsqlConnection(servers.Replica.ConnectionString());
        await replica.ExecuteAsync("SELECT pg_wal_replay_pause()");
        var kite = ProductId.New();
        var second = await shop.SendAsync(new AddProduct(kite, toys, "Kite", 12m));
        var paused = await queries.QueryAsync(new GetProduct(kite), second.Position);
        Assert.Equal(QueryStatus.NotYetConsistent, paused.Status);
        Assert.True(await shop.Provider.GetRequiredService<Tessera.Projections.ProjectionAdmin>().WaitForPositionAsync(second.Position, TimeSpan.FromMinutes(1), "catalog.v1"));

        var waiting = queries.QueryAsync(new GetProduct(kite), second.Position).AsTask();
        await replica.ExecuteAsync("SELECT pg_wal_replay_resume()");
        var answer = await waiting;
        Assert.Equal(QueryStatus.Ok, answer.Status);
        Assert.Equal(("Kite", 12m), (answer.Value!.Name, answer.Value.Price));
        Assert.True(await replica.ExecuteScalarAsync<bool>("SELECT pg_is_in_recovery()"));
    }
}

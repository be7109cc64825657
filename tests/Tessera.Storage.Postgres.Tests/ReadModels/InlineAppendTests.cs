using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shop.Categories;
using Tessera.Projections;
using Xunit;

namespace Tessera.Storage.Postgres.Tests.ReadModels;

/// <summary>Events and read models in one PostgreSQL database: inline projections run in the append's transaction.</summary>
public sealed class InlineAppendTests
{
    [Fact]
    public async Task after_the_ack_the_events_and_the_inline_read_model_are_both_committed()
    {
        var database = await PostgresReadSide.NewDatabaseAsync();
        await using var shop = await StartAsync(database);
        var garden = CategoryId.New();
        var added = await shop.SendAsync(new AddCategory(garden, "Garden"));

        await using var connection = new NpgsqlConnection(database);
        var schema = shop.ReadModels.ServingSchema(InlineCategoryNames.ProjectionName);
        Assert.Equal("Garden", await connection.ExecuteScalarAsync<string>($"SELECT name FROM {schema}.inline_category_names WHERE category_id = @Id", new { Id = garden.Value.ToString().ToUpperInvariant() }));
        Assert.True(await connection.ExecuteScalarAsync<long>($"SELECT position FROM {schema}.tessera_checkpoint") >= added.Position.Value);
        var stream = await shop.Provider.GetRequiredService<IEventStore>().ReadStreamAsync(StreamName.For(Category.StreamCategory, garden), StreamVersion.Start, ReadDirection.Forwards, 10);
        Assert.Single(stream.Events);
    }

    [Fact]
    public async Task a_throwing_inline_handler_fails_the_append_and_leaves_neither_events_nor_rows()
    {
        var database = await PostgresReadSide.NewDatabaseAsync();
        await using var shop = await StartAsync(database);
        var store = shop.Provider.GetRequiredService<IEventStore>();
        await shop.SendAsync(new AddCategory(CategoryId.New(), "Garden"));
        var headBefore = await store.ReadHeadAsync();
        var poison = CategoryId.New();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => shop.SendAsync(new AddCategory(poison, "poison")));
        var inline = FindInline(error);
        Assert.Equal(InlineCategoryNames.ProjectionName, inline.Projection);
        Assert.Contains("nothing was stored", inline.Message, StringComparison.Ordinal);

        var stream = await store.ReadStreamAsync(StreamName.For(Category.StreamCategory, poison), StreamVersion.Start, ReadDirection.Forwards, 10);
        Assert.Empty(stream.Events);
        var all = await store.ReadAllAsync(headBefore, 100);
        Assert.DoesNotContain(all.Events, e => e.Stream == StreamName.For(Category.StreamCategory, poison));
        await using var connection = new NpgsqlConnection(database);
        var schema = shop.ReadModels.ServingSchema(InlineCategoryNames.ProjectionName);
        Assert.Equal(["Garden"], await connection.QueryAsync<string>($"SELECT name FROM {schema}.inline_category_names ORDER BY name"));

        var kitchen = await shop.SendAsync(new AddCategory(CategoryId.New(), "Kitchen"));
        Assert.True(await shop.Provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(kitchen.Position, TimeSpan.FromMinutes(1)));
        Assert.Equal(["Garden", "Kitchen"], await connection.QueryAsync<string>($"SELECT name FROM {schema}.inline_category_names ORDER BY name"));
    }

    private static InlineProjectionException FindInline(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is InlineProjectionException inline)
            {
                return inline;
            }
        }
        throw new Xunit.Sdk.XunitException($"Expected an InlineProjectionException, got {error}");
    }

    private static Task<PostgresReadSide> StartAsync(string database) =>
        PostgresReadSide.StartAsync(database, null, b =>
        {
            b.UsePostgresStore(o => o.ConnectionString = database);
            b.AddProjection<InlineCategoryNames>(ProjectionMode.Inline);
        });
}

/// <summary>Category names, applied inline; a category named "poison" makes it throw.</summary>
public sealed class InlineCategoryNames : ISqlProjection
{
    public const string ProjectionName = "inline-category-names.v1";

    public string Name => ProjectionName;

    public string Schema => "CREATE TABLE inline_category_names (category_id TEXT PRIMARY KEY, name TEXT NOT NULL);";

    public static Task When(CategoryAdded e, SqlBatch b) =>
        e.Name == "poison"
            ? throw new InvalidOperationException("a poison event")
            : b.Connection.ExecuteAsync("INSERT INTO inline_category_names VALUES (@Id, @Name) ON CONFLICT (category_id) DO NOTHING", new { Id = e.Id.Value, e.Name }, b.Transaction);
}

using Dapper;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Tessera.ReadModels.Sqlite.Tests;

public sealed class PreparedSqliteConnectionTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly PreparedSqliteConnection _connection;

    public PreparedSqliteConnectionTests()
    {
        var inner = new SqliteConnection($"Data Source={_folder.Sub("t.db")};Pooling=False");
        inner.Open();
        _connection = new PreparedSqliteConnection(inner);
        _connection.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NULL, amount TEXT NULL)");
    }

    [Fact]
    public async Task a_statement_run_many_times_is_made_once_and_binds_each_call_s_values()
    {
        var before = _connection.CommandsMade;
        using var transaction = _connection.Inner.BeginTransaction();
        for (var i = 0; i < 100; i++)
        {
            await _connection.ExecuteAsync("INSERT INTO t (id, name, amount) VALUES (@Id, @Name, @Amount)", new { Id = i, Name = i % 2 == 0 ? null : "n" + i, Amount = i * 1.5m }, transaction);
        }
        transaction.Commit();

        Assert.Equal(1, _connection.CommandsMade - before);
        Assert.Equal(100L, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
        Assert.Equal("n7", _connection.ExecuteScalar<string>("SELECT name FROM t WHERE id = @Id", new { Id = 7 }));
        Assert.Null(_connection.ExecuteScalar<string?>("SELECT name FROM t WHERE id = @Id", new { Id = 8 }));
        Assert.Equal("10.5", _connection.ExecuteScalar<string>("SELECT amount FROM t WHERE id = @Id", new { Id = 7 }));
    }

    [Fact]
    public void a_kept_statement_runs_in_the_transaction_it_is_given()
    {
        using (var transaction = _connection.Inner.BeginTransaction())
        {
            _connection.Execute("INSERT INTO t (id) VALUES (@Id)", new { Id = 1 }, transaction);
            transaction.Rollback();
        }
        using (var transaction = _connection.Inner.BeginTransaction())
        {
            _connection.Execute("INSERT INTO t (id) VALUES (@Id)", new { Id = 2 }, transaction);
            transaction.Commit();
        }

        Assert.Equal([2L], _connection.Query<long>("SELECT id FROM t"));
    }

    [Fact]
    public void the_same_statement_inside_an_open_reader_of_it_gets_its_own_command()
    {
        _connection.Execute("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b')");
        const string Sql = "SELECT id FROM t WHERE id >= @From ORDER BY id";
        var pairs = new List<(long, long)>();
        foreach (var outer in _connection.Query<long>(Sql, new { From = 1 }, buffered: false))
        {
            foreach (var inner in _connection.Query<long>(Sql, new { From = outer }, buffered: false))
            {
                pairs.Add((outer, inner));
            }
        }

        Assert.Equal([(1L, 1L), (1L, 2L), (2L, 2L)], pairs);
    }

    [Fact]
    public void a_missing_parameter_fails_with_sqlite_s_own_error_and_the_next_call_works()
    {
        const string Sql = "INSERT INTO t (id, name) VALUES (@Id, @Name)";
        var error = Assert.Throws<InvalidOperationException>(() => _connection.Execute(Sql, new { Id = 1 }));
        Assert.Contains("@Name", error.Message, StringComparison.Ordinal);

        _connection.Execute(Sql, new { Id = 1, Name = "x" });
        Assert.Equal("x", _connection.ExecuteScalar<string>("SELECT name FROM t"));
    }

    public void Dispose()
    {
        _connection.Dispose();
        _folder.Dispose();
    }
}

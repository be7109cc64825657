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
        SqliteTypeHandlers.Add();
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

    public static TheoryData<string, object?> Values() => new()
    {
        { "null", null },
        { "empty text", string.Empty },
        { "unicode text", "héllo ✓ 日本 \u0001" },
        { "long", long.MaxValue },
        { "int", int.MinValue },
        { "short", (short)-5 },
        { "byte", (byte)7 },
        { "true", true },
        { "false", false },
        { "double", 3.25 },
        { "tiny double", 1e-300 },
        { "blob", new byte[] { 0, 1, 255 } },
        { "zero decimal", 0m },
        { "whole decimal", 10m },
        { "money", 12.50m },
        { "long decimal", -123456789.123456789012m },
        { "max decimal", decimal.MaxValue },
        { "guid", Guid.Parse("0a1b2c3d-4e5f-6a7b-8c9d-aebfc0d1e2f3") },
        { "utc time", new DateTimeOffset(2026, 12, 2, 22, 30, 1, TimeSpan.Zero).AddTicks(1234567) },
        { "offset time", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5.5)) },
        { "utc date time", new DateTime(2026, 12, 2, 22, 30, 1, DateTimeKind.Utc).AddTicks(50) },
        { "plain date time", new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Unspecified) },
        { "time span (ordinary way)", TimeSpan.FromMinutes(90.5) },
        { "unsigned (ordinary way)", 42u },
        { "float (ordinary way)", 1.5f },
        { "char (ordinary way)", 'x' },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void a_value_is_stored_exactly_as_microsoft_data_sqlite_stores_it(string what, object? value)
    {
        using var plain = new SqliteConnection($"Data Source={_folder.Sub("plain.db")};Pooling=False");
        plain.Open();
        const string Insert = "INSERT INTO v (x, how) VALUES (@Value, @How)";
        foreach (var connection in new System.Data.Common.DbConnection[] { _connection, plain })
        {
            connection.Execute("CREATE TABLE v (x, how TEXT)");
            // Through Dapper, as projections write (with Tessera's type handlers, which the read-model store adds)...
            connection.Execute(Insert, new { Value = value, How = "dapper" });
            // ...and through a bare parameter with no DbType.
            using var command = connection.CreateCommand();
            command.CommandText = Insert;
            foreach (var (name, v) in new[] { ("@Value", value ?? DBNull.Value), ("@How", "bare") })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = v;
                command.Parameters.Add(parameter);
            }
            command.ExecuteNonQuery();
        }

        const string Read = "SELECT how || ' ' || typeof(x) || ':' || quote(x) FROM v ORDER BY how";
        var expected = string.Join(" / ", plain.Query<string>(Read));
        var actual = string.Join(" / ", _connection.Query<string>(Read));
        Assert.True(expected == actual, $"{what}: expected {expected}, got {actual}");
    }

    [Fact]
    public void several_statements_run_in_order_and_the_count_of_changed_rows_comes_back()
    {
        _connection.Execute("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");

        var changed = _connection.Execute("UPDATE t SET name = @Name WHERE id <= @Id; DELETE FROM t WHERE id = @Gone", new { Name = "z", Id = 2, Gone = 3 });
        var returned = _connection.ExecuteScalar<long>("INSERT INTO t (id, name) VALUES (@Id, 'd') RETURNING id", new { Id = 4 });

        Assert.Equal(3, changed);
        Assert.Equal(4L, returned);
        Assert.Equal(["z", "z", "d"], _connection.Query<string>("SELECT name FROM t ORDER BY id"));
    }

    [Fact]
    public void a_constraint_violation_fails_with_sqlite_s_error_and_leaves_the_statement_usable()
    {
        const string Sql = "INSERT INTO t (id, name) VALUES (@Id, @Name)";
        _connection.Execute(Sql, new { Id = 1, Name = "a" });

        var error = Assert.Throws<SqliteException>(() => _connection.Execute(Sql, new { Id = 1, Name = "b" }));
        Assert.Equal(19, error.SqliteErrorCode);

        _connection.Execute(Sql, new { Id = 2, Name = "c" });
        Assert.Equal(["a", "c"], _connection.Query<string>("SELECT name FROM t ORDER BY id"));
    }

    [Fact]
    public void a_disposed_command_is_handed_out_again_once_and_comes_back_blank()
    {
        var first = _connection.CreateCommand();
        first.CommandText = "SELECT @X";
        var parameter = first.CreateParameter();
        parameter.ParameterName = "@X";
        parameter.Value = 5;
        first.Parameters.Add(parameter);
        first.Dispose();
        first.Dispose();

        using var again = _connection.CreateCommand();
        using var other = _connection.CreateCommand();

        Assert.Same(first, again);
        Assert.NotSame(again, other);
        Assert.Equal(string.Empty, again.CommandText);
        Assert.Empty(again.Parameters);
        var reused = again.CreateParameter();
        Assert.Same(parameter, reused);
        Assert.Null(reused.Value);
        Assert.Equal(string.Empty, reused.ParameterName);
    }

    [Fact]
    public async Task a_pooled_read_connection_is_reused_and_sees_every_later_commit()
    {
        _connection.Execute("PRAGMA journal_mode=WAL");
        _connection.Execute("INSERT INTO t (id, name) VALUES (1, 'a')");
        using var pool = new ReadConnectionPool($"Data Source={_folder.Sub("t.db")};Mode=ReadOnly;Pooling=False");
        const string Count = "SELECT count(*) FROM t WHERE id >= @From";

        var first = await pool.RentAsync(CancellationToken.None);
        Assert.Equal(1L, await first.ExecuteScalarAsync<long>(Count, new { From = 0 }));
        await first.DisposeAsync();
        _connection.Execute("INSERT INTO t (id, name) VALUES (2, 'b')");
        var second = await pool.RentAsync(CancellationToken.None);
        var seen = await second.QueryAsync<long>("SELECT id FROM t WHERE id >= @From ORDER BY id", new { From = 0 });
        var count = await second.ExecuteScalarAsync<long>(Count, new { From = 0 });

        Assert.Same(first, second);
        Assert.Equal([1L, 2L], seen);
        Assert.Equal(2L, count);
        pool.Dispose();
        await second.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, second.State);
    }

    public void Dispose()
    {
        _connection.Dispose();
        _folder.Dispose();
    }
}

using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// The projection writer's connection as handlers see it: every command it makes runs on a SQLite command kept per SQL
/// text, so a statement is parsed and prepared once per connection instead of once per call. Dapper makes a new command
/// for every call; without this, SQLite parses the same INSERT again for every event.
/// </summary>
/// <remarks>
/// A kept command is lent to one command at a time and comes back when that command is disposed (after its reader, as
/// Dapper does), so nested or concurrent commands with the same text each get their own. Texts beyond
/// <see cref="MaxTexts"/> distinct ones run unkept, so SQL built per call cannot grow the cache without bound.
/// </remarks>
internal sealed class PreparedSqliteConnection(SqliteConnection inner) : DbConnection
{
    private const int MaxTexts = 512;
    private readonly Dictionary<string, Stack<SqliteCommand>> _idle = new(StringComparer.Ordinal);

    public SqliteConnection Inner => inner;

    /// <summary>How many SQLite commands this connection has made (and prepared) so far; kept ones are reused.</summary>
    public int CommandsMade { get; private set; }

    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => throw new NotSupportedException("The projection writer's connection string is fixed by the read-model store.");
    }

    public override string Database => inner.Database;

    public override string DataSource => inner.DataSource;

    public override string ServerVersion => inner.ServerVersion;

    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

    public override void Close() => throw new NotSupportedException("The projection writer's connection is opened and closed by the read-model store.");

    public override void Open()
    {
        if (inner.State != ConnectionState.Open)
        {
            throw new NotSupportedException("The projection writer's connection is opened and closed by the read-model store.");
        }
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new Command(this);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var stack in _idle.Values)
            {
                foreach (var command in stack)
                {
                    command.Dispose();
                }
            }
            _idle.Clear();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private SqliteCommand Rent(string text)
    {
        lock (_idle)
        {
            if (_idle.TryGetValue(text, out var stack) && stack.TryPop(out var kept))
            {
                return kept;
            }
        }
        var command = inner.CreateCommand();
        command.CommandText = text;
        CommandsMade++;
        return command;
    }

    private void Return(SqliteCommand command)
    {
        command.Parameters.Clear();
        command.Transaction = null;
        lock (_idle)
        {
            if (!_idle.TryGetValue(command.CommandText, out var stack))
            {
                if (_idle.Count >= MaxTexts)
                {
                    command.Dispose();
                    return;
                }
                stack = new Stack<SqliteCommand>(1);
                _idle.Add(command.CommandText, stack);
            }
            stack.Push(command);
        }
    }

    /// <summary>A command whose parameters are collected here and bound to a kept, prepared command when it runs.</summary>
    private sealed class Command(PreparedSqliteConnection connection) : DbCommand
    {
        private readonly SqliteCommand _parameters = new();
        private SqliteCommand? _lent;
        private SqliteTransaction? _transaction;

        [AllowNull]
        public override string CommandText { get; set; } = string.Empty;

        public override int CommandTimeout { get; set; } = 30;

        public override CommandType CommandType
        {
            get => CommandType.Text;
            set
            {
                if (value != CommandType.Text)
                {
                    throw new NotSupportedException("SQLite runs only text commands.");
                }
            }
        }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection
        {
            get => connection;
            set
            {
                if (value is not null && !ReferenceEquals(value, connection))
                {
                    throw new NotSupportedException("A projection writer's command runs only on the connection that made it.");
                }
            }
        }

        protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => _transaction;
            set => _transaction = value switch
            {
                null => null,
                SqliteTransaction sqlite => sqlite,
                _ => throw new ArgumentException($"A projection writer's command takes the batch's SQLite transaction, not a {value.GetType().Name}.", nameof(value)),
            };
        }

        public override void Cancel() => _lent?.Cancel();

        public override int ExecuteNonQuery() => Prepare(out _).ExecuteNonQuery();

        public override object? ExecuteScalar() => Prepare(out _).ExecuteScalar();

        public override void Prepare() => Prepare(out _).Prepare();

        protected override DbParameter CreateDbParameter() => new SqliteParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Prepare(out _).ExecuteReader(behavior);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                GiveBack();
                _parameters.Dispose();
            }
            base.Dispose(disposing);
        }

        /// <summary>Borrows the kept command for this text and binds this command's parameters and transaction to it.</summary>
        private SqliteCommand Prepare(out SqliteCommand command)
        {
            if (_lent is not null && !string.Equals(_lent.CommandText, CommandText, StringComparison.Ordinal))
            {
                GiveBack();
            }
            command = _lent ??= connection.Rent(CommandText);
            command.Transaction = _transaction;
            command.CommandTimeout = CommandTimeout;
            command.Parameters.Clear();
            foreach (SqliteParameter parameter in _parameters.Parameters)
            {
                command.Parameters.Add(parameter);
            }
            return command;
        }

        private void GiveBack()
        {
            if (_lent is { } lent)
            {
                _lent = null;
                connection.Return(lent);
            }
        }
    }
}

using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// The projection writer's connection as handlers see it. Statements are prepared once per SQL text and kept: a
/// statement that returns no rows runs on SQLite's own prepared statement with its parameters bound by position
/// (<see cref="RawStatement"/>), and queries run on a kept <see cref="SqliteCommand"/>. Dapper makes a new command for every
/// call; without this, SQLite parsed the same INSERT again for every event and Microsoft.Data.Sqlite looked up every
/// parameter by name and copied every value into new strings.
/// </summary>
/// <remarks>
/// A kept command is lent to one command at a time and comes back when that command is disposed (after its reader, as
/// Dapper does), so nested or concurrent commands with the same text each get their own. Texts beyond
/// <see cref="MaxTexts"/> distinct ones run unkept, so SQL built per call cannot grow the caches without bound.
/// </remarks>
internal sealed class PreparedSqliteConnection(SqliteConnection inner, Action<PreparedSqliteConnection>? release = null) : DbConnection
{
    private const int MaxTexts = 512;
    private readonly Dictionary<string, Stack<SqliteCommand>> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement?> _raw = new(StringComparer.Ordinal);
    private readonly Stack<Command> _commands = new();
    private readonly Stack<Parameter> _spare = new();
    private volatile bool _released;

    public SqliteConnection Inner => inner;

    /// <summary>How many statements this connection has prepared so far (kept ones are reused).</summary>
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

    /// <summary>A command from the ones disposed earlier (Dapper makes one per call), or a new one.</summary>
    protected override DbCommand CreateDbCommand()
    {
        lock (_idle)
        {
            if (_commands.TryPop(out var command))
            {
                command.Reuse();
                return command;
            }
        }
        return new Command(this);
    }

    private Parameter NewParameter()
    {
        lock (_idle)
        {
            if (_spare.TryPop(out var parameter))
            {
                return parameter;
            }
        }
        return new Parameter();
    }

    /// <summary>Keeps a disposed command and its parameters for the next calls.</summary>
    private void Recycle(Command command, List<Parameter> parameters)
    {
        lock (_idle)
        {
            if (_spare.Count < 256)
            {
                foreach (var parameter in parameters)
                {
                    parameter.Reset();
                    _spare.Push(parameter);
                }
            }
            parameters.Clear();
            if (_commands.Count < 64)
            {
                _commands.Push(command);
            }
        }
    }

    /// <summary>Takes a pooled connection out again after its holder disposed it.</summary>
    public void Revive() => _released = false;

    /// <summary>Closes the connection for good (disposing a pooled one only hands it back).</summary>
    public void Destroy()
    {
        _released = true;
        DisposeAll();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && release is not null)
        {
            if (!_released)
            {
                _released = true;
                release(this);
            }
            return;
        }
        if (disposing)
        {
            DisposeAll();
        }
        base.Dispose(disposing);
    }

    private void DisposeAll()
    {
        lock (_idle)
        {
            foreach (var stack in _idle.Values)
            {
                foreach (var command in stack)
                {
                    command.Dispose();
                }
            }
            _idle.Clear();
            foreach (var statement in _raw.Values)
            {
                statement?.Dispose();
            }
            _raw.Clear();
        }
        inner.Dispose();
    }

    /// <summary>The kept SQLite statement of a text that returns no rows; null when the text cannot run that way (or is not kept).</summary>
    private RawStatement? Raw(string text)
    {
        lock (_idle)
        {
            if (_raw.TryGetValue(text, out var kept))
            {
                return kept;
            }
            if (_raw.Count >= MaxTexts)
            {
                return null;
            }
            var statement = RawStatement.TryPrepare(inner, text);
            CommandsMade++;
            _raw.Add(text, statement);
            return statement;
        }
    }

    private SqliteCommand Rent(string text)
    {
        lock (_idle)
        {
            if (_idle.TryGetValue(text, out var stack) && stack.TryPop(out var kept))
            {
                return kept;
            }
            CommandsMade++;
        }
        var command = inner.CreateCommand();
        command.CommandText = text;
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

    /// <summary>
    /// A command whose parameters are collected here and bound, when it runs, to a kept statement. Disposing it hands it
    /// and its parameters back to the connection for the next call: neither may be used after that.
    /// </summary>
    private sealed class Command(PreparedSqliteConnection connection) : DbCommand
    {
        private readonly ParameterList _parameters = new();
        private SqliteCommand? _lent;
        private SqliteTransaction? _transaction;
        private bool _recycled;

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

        protected override DbParameterCollection DbParameterCollection => _parameters;

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

        public override int ExecuteNonQuery()
        {
            if (connection.Raw(CommandText) is { } statement && statement.TryExecute(_parameters, CommandTimeout, out var changes))
            {
                return changes;
            }
            return Lend().ExecuteNonQuery();
        }

        public override object? ExecuteScalar() => Lend().ExecuteScalar();

        public override void Prepare() => Lend().Prepare();

        protected override DbParameter CreateDbParameter() => connection.NewParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Lend().ExecuteReader(behavior);

        /// <summary>Makes a recycled command new again.</summary>
        public void Reuse()
        {
            _recycled = false;
            CommandText = string.Empty;
            CommandTimeout = 30;
            _transaction = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_recycled)
            {
                _recycled = true;
                GiveBack();
                connection.Recycle(this, _parameters.Items);
            }
            base.Dispose(disposing);
        }

        /// <summary>Borrows the kept SQLite command for this text and gives it this command's parameters and transaction.</summary>
        private SqliteCommand Lend()
        {
            if (_lent is not null && !string.Equals(_lent.CommandText, CommandText, StringComparison.Ordinal))
            {
                GiveBack();
            }
            var command = _lent ??= connection.Rent(CommandText);
            command.Transaction = _transaction;
            command.CommandTimeout = CommandTimeout;
            command.Parameters.Clear();
            foreach (var parameter in _parameters.Items)
            {
                command.Parameters.Add(parameter.ToSqlite());
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

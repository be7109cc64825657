using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// A statement that returns no rows (INSERT, UPDATE, DELETE), prepared once on the writer connection and run many times
/// with its parameters bound by position, values formatted the way Microsoft.Data.Sqlite stores them without a
/// string per value. A parameter whose value or type it does not bind exactly as Microsoft.Data.Sqlite would makes it
/// decline (<see cref="TryExecute"/> returns false), and the command runs the ordinary way.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const string DecimalFormat = "0.0###########################";
    private const string DateTimeOffsetFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";
    private const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt[] _statements;
    private readonly string[][] _names;
    private string[]? _lastNames;
    private int[][] _order = [];

    private RawStatement(sqlite3 db, sqlite3_stmt[] statements, string[][] names)
    {
        _db = db;
        _statements = statements;
        _names = names;
    }

    /// <summary>Prepares <paramref name="text"/>; null when a statement of it returns rows or has unnamed parameters.</summary>
    public static RawStatement? TryPrepare(SqliteConnection connection, string text)
    {
        var db = connection.Handle!;
        var statements = new List<sqlite3_stmt>();
        var names = new List<string[]>();
        ReadOnlySpan<byte> rest = Encoding.UTF8.GetBytes(text);
        var usable = true;
        while (!rest.IsEmpty)
        {
            var rc = raw.sqlite3_prepare_v3(db, rest, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out var tail);
            if (rc != raw.SQLITE_OK)
            {
                statement?.Dispose();
                Dispose(statements);
                SqliteException.ThrowExceptionForRC(rc, db);
            }
            rest = tail;
            if (statement is null || statement.IsInvalid)
            {
                continue;
            }
            statements.Add(statement);
            var count = raw.sqlite3_bind_parameter_count(statement);
            var these = new string[count];
            for (var i = 0; i < count; i++)
            {
                var name = raw.sqlite3_bind_parameter_name(statement, i + 1).utf8_to_string();
                if (string.IsNullOrEmpty(name) || name.Length < 2 || name[0] == '?')
                {
                    usable = false;
                    break;
                }
                these[i] = name[1..];
            }
            names.Add(these);
            usable &= raw.sqlite3_column_count(statement) == 0;
        }
        if (!usable || statements.Count == 0)
        {
            Dispose(statements);
            return null;
        }
        return new RawStatement(db, [.. statements], [.. names]);
    }

    /// <summary>Binds <paramref name="parameters"/> and runs every statement; false (nothing run) when a value must go the ordinary way.</summary>
    public bool TryExecute(ParameterList parameters, int timeoutSeconds, out int changes)
    {
        changes = 0;
        var items = parameters.Items;
        foreach (var parameter in items)
        {
            if (!parameter.BindsRaw)
            {
                return false;
            }
        }
        var order = OrderOf(items);
        for (var s = 0; s < _statements.Length; s++)
        {
            var statement = _statements[s];
            try
            {
                for (var i = 0; i < order[s].Length; i++)
                {
                    Check(Bind(statement, i + 1, items[order[s][i]].Value));
                }
                Step(statement, timeoutSeconds);
                if (raw.sqlite3_stmt_readonly(statement) == 0)
                {
                    changes += raw.sqlite3_changes(_db);
                }
            }
            finally
            {
                raw.sqlite3_reset(statement);
                raw.sqlite3_clear_bindings(statement);
            }
        }
        return true;
    }

    public void Dispose() => Dispose(_statements);

    private static void Dispose(IEnumerable<sqlite3_stmt> statements)
    {
        foreach (var statement in statements)
        {
            statement.Dispose();
        }
    }

    /// <summary>For each statement, the index in <paramref name="items"/> of each of its parameters; worked out again only when the names change.</summary>
    private int[][] OrderOf(List<Parameter> items)
    {
        if (_lastNames is not null && items.Count == _lastNames.Length)
        {
            var same = true;
            for (var i = 0; i < items.Count && same; i++)
            {
                same = ReferenceEquals(items[i].ParameterName, _lastNames[i]) || items[i].ParameterName == _lastNames[i];
            }
            if (same)
            {
                return _order;
            }
        }
        var order = new int[_names.Length][];
        List<string>? missing = null;
        for (var s = 0; s < _names.Length; s++)
        {
            order[s] = new int[_names[s].Length];
            for (var i = 0; i < _names[s].Length; i++)
            {
                order[s][i] = items.FindIndex(p => Unprefixed(p.ParameterName) == _names[s][i]);
                if (order[s][i] < 0)
                {
                    (missing ??= []).Add("@" + _names[s][i]);
                }
            }
        }
        if (missing is not null)
        {
            throw new InvalidOperationException($"Must add values for the following parameters: {string.Join(", ", missing)}");
        }
        _lastNames = [.. items.Select(p => p.ParameterName)];
        _order = order;
        return order;
    }

    private static string Unprefixed(string name) => name.Length > 0 && name[0] is '@' or '$' or ':' ? name[1..] : name;

    private static int Bind(sqlite3_stmt statement, int index, object? value)
    {
        Span<char> text = stackalloc char[64];
        int length;
        switch (value)
        {
            case null or DBNull:
                return raw.sqlite3_bind_null(statement, index);
            case string s:
                return raw.sqlite3_bind_text16(statement, index, s.AsSpan());
            case long l:
                return raw.sqlite3_bind_int64(statement, index, l);
            case int i:
                return raw.sqlite3_bind_int64(statement, index, i);
            case short i:
                return raw.sqlite3_bind_int64(statement, index, i);
            case byte i:
                return raw.sqlite3_bind_int64(statement, index, i);
            case bool b:
                return raw.sqlite3_bind_int64(statement, index, b ? 1 : 0);
            case double d:
                return raw.sqlite3_bind_double(statement, index, d);
            case byte[] bytes:
                return raw.sqlite3_bind_blob(statement, index, bytes);
            case decimal d:
                d.TryFormat(text, out length, DecimalFormat, CultureInfo.InvariantCulture);
                return raw.sqlite3_bind_text16(statement, index, text[..length]);
            case Guid g:
                g.TryFormat(text, out length);
                for (var c = 0; c < length; c++)
                {
                    text[c] = char.ToUpperInvariant(text[c]);
                }
                return raw.sqlite3_bind_text16(statement, index, text[..length]);
            case DateTimeOffset t:
                t.TryFormat(text, out length, DateTimeOffsetFormat, CultureInfo.InvariantCulture);
                return raw.sqlite3_bind_text16(statement, index, text[..length]);
            case DateTime t:
                t.TryFormat(text, out length, DateTimeFormat, CultureInfo.InvariantCulture);
                return raw.sqlite3_bind_text16(statement, index, text[..length]);
            default:
                throw new InvalidOperationException($"A {value.GetType().Name} parameter cannot be bound here; Parameter.BindsRaw should have declined it.");
        }
    }

    private void Step(sqlite3_stmt statement, int timeoutSeconds)
    {
        var started = Environment.TickCount64;
        while (true)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return;
            }
            if (rc == raw.SQLITE_ROW)
            {
                continue;
            }
            if ((rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED) && (timeoutSeconds == 0 || Environment.TickCount64 - started < timeoutSeconds * 1000L))
            {
                raw.sqlite3_reset(statement);
                Thread.Sleep(1);
                continue;
            }
            Check(rc);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}

/// <summary>A parameter of the writer connection's commands: a name and a value, bound by <see cref="RawStatement"/> or copied to a <see cref="SqliteParameter"/>.</summary>
internal sealed class Parameter : DbParameter
{
    private DbType? _dbType;
    private int _size;
    private bool _sizeSet;

    public override DbType DbType
    {
        get => _dbType ?? DbType.String;
        set => _dbType = value;
    }

    public override ParameterDirection Direction { get; set; } = ParameterDirection.Input;

    public override bool IsNullable { get; set; }

    [AllowNull]
    public override string ParameterName { get; set; } = string.Empty;

    public override int Size
    {
        get => _size;
        set
        {
            _size = value;
            _sizeSet = true;
        }
    }

    [AllowNull]
    public override string SourceColumn { get; set; } = string.Empty;

    public override bool SourceColumnNullMapping { get; set; }

    public override object? Value { get; set; }

    /// <summary>True when <see cref="RawStatement"/> binds this value exactly as Microsoft.Data.Sqlite would; otherwise the command goes the ordinary way.</summary>
    public bool BindsRaw =>
        Direction == ParameterDirection.Input
        && Value switch
        {
            null or DBNull => true,
            string s => (!_sizeSet || (Size > 0 && s.Length <= Size)) && _dbType is null or DbType.String or DbType.AnsiString or DbType.StringFixedLength or DbType.AnsiStringFixedLength,
            long or int or short or byte or bool => _dbType is null or DbType.Int64 or DbType.Int32 or DbType.Int16 or DbType.Byte or DbType.Boolean,
            double d => !double.IsNaN(d) && _dbType is null or DbType.Double,
            byte[] => _dbType is null or DbType.Binary,
            // The DbTypes Dapper gives these (Microsoft.Data.Sqlite stores them as text all the same).
            decimal => _dbType is null or DbType.Decimal,
            Guid => _dbType is null or DbType.Guid,
            DateTimeOffset => _dbType is null or DbType.DateTimeOffset,
            DateTime => _dbType is null or DbType.DateTime or DbType.DateTime2,
            _ => false,
        };

    public override void ResetDbType() => _dbType = null;

    /// <summary>The same parameter for a <see cref="SqliteCommand"/>.</summary>
    public SqliteParameter ToSqlite()
    {
        var parameter = new SqliteParameter(ParameterName, Value ?? DBNull.Value) { Direction = Direction, IsNullable = IsNullable };
        if (_dbType is { } type)
        {
            parameter.DbType = type;
        }
        if (_sizeSet)
        {
            parameter.Size = Size;
        }
        return parameter;
    }
}

/// <summary>The parameters of one writer-connection command, in the order they were added.</summary>
internal sealed class ParameterList : DbParameterCollection
{
    public List<Parameter> Items { get; } = [];

    public override int Count => Items.Count;

    public override object SyncRoot => Items;

    public override int Add(object value)
    {
        Items.Add(Of(value));
        return Items.Count - 1;
    }

    public override void AddRange(Array values)
    {
        foreach (var value in values)
        {
            Add(value);
        }
    }

    public override void Clear() => Items.Clear();

    public override bool Contains(object value) => value is Parameter p && Items.Contains(p);

    public override bool Contains(string value) => IndexOf(value) >= 0;

    public override void CopyTo(Array array, int index) => ((ICollection)Items).CopyTo(array, index);

    public override IEnumerator GetEnumerator() => Items.GetEnumerator();

    public override int IndexOf(object value) => value is Parameter p ? Items.IndexOf(p) : -1;

    public override int IndexOf(string parameterName) => Items.FindIndex(p => p.ParameterName == parameterName);

    public override void Insert(int index, object value) => Items.Insert(index, Of(value));

    public override void Remove(object value) => Items.Remove(Of(value));

    public override void RemoveAt(int index) => Items.RemoveAt(index);

    public override void RemoveAt(string parameterName) => RemoveAt(IndexOfExisting(parameterName));

    protected override DbParameter GetParameter(int index) => Items[index];

    protected override DbParameter GetParameter(string parameterName) => Items[IndexOfExisting(parameterName)];

    protected override void SetParameter(int index, DbParameter value) => Items[index] = Of(value);

    protected override void SetParameter(string parameterName, DbParameter value) => Items[IndexOfExisting(parameterName)] = Of(value);

    private int IndexOfExisting(string parameterName)
    {
        var index = IndexOf(parameterName);
        return index >= 0 ? index : throw new ArgumentException($"No parameter is named '{parameterName}'.", nameof(parameterName));
    }

    private static Parameter Of(object value) =>
        value as Parameter ?? throw new InvalidCastException($"The writer connection's commands take parameters made by their CreateParameter, not a {value?.GetType().Name ?? "null"}.");
}

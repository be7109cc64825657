using System.Data;
using System.Globalization;
using Dapper;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// Dapper reads what SQLite stores as TEXT (Guid, DateTimeOffset, decimal) back into those types; Microsoft.Data.Sqlite
/// binds parameters of them itself. Dapper keeps its handlers process-wide, so they are added once.
/// </summary>
internal static class SqliteTypeHandlers
{
    private static int _added;

    public static void Add()
    {
        if (Interlocked.Exchange(ref _added, 1) == 1)
        {
            return;
        }
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new DecimalHandler());
    }

    private abstract class Handler<T> : SqlMapper.TypeHandler<T>
    {
        public override void SetValue(IDbDataParameter parameter, T? value) => parameter.Value = value;
    }

    private sealed class GuidHandler : Handler<Guid>
    {
        public override Guid Parse(object value) => value is byte[] bytes ? new Guid(bytes) : Guid.Parse((string)value);
    }

    private sealed class DateTimeOffsetHandler : Handler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture);
    }

    private sealed class DecimalHandler : Handler<decimal>
    {
        public override decimal Parse(object value) => value switch
        {
            string text => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        };
    }
}

using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Tessera.Storage.Postgres;

/// <summary>
/// Projections write the common subset of SQL that SQLite and PostgreSQL share, so their ids, amounts and times sit in
/// TEXT columns. These Dapper handlers bind Guid, decimal and DateTimeOffset parameters as text of unknown type, in
/// the formats Microsoft.Data.Sqlite uses, and read them back from text (or from native uuid/numeric/timestamptz columns).
/// Dapper keeps its handlers process-wide, so they are added once (and a process using SQLite read models too binds
/// these types through them there as well).
/// </summary>
internal static class PostgresTypeHandlers
{
    private static int _added;

    public static void Add()
    {
        if (Interlocked.Exchange(ref _added, 1) == 1)
        {
            return;
        }
        // Dapper binds types of its own type map itself and asks handlers only for the others: take these three out.
        foreach (var type in new[] { typeof(Guid), typeof(Guid?), typeof(DateTimeOffset), typeof(DateTimeOffset?), typeof(decimal), typeof(decimal?) })
        {
            SqlMapper.RemoveTypeMap(type);
        }
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new DecimalHandler());
    }

    /// <summary>Sends text of unknown type, so PostgreSQL takes it as the column's type: text, uuid, numeric or timestamptz.</summary>
    private static void SetText(IDbDataParameter parameter, string text)
    {
        parameter.Value = text;
        if (parameter is NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.Unknown;
        }
    }

    internal sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value) => SetText(parameter, value.ToString().ToUpperInvariant());

        public override Guid Parse(object value) => value switch
        {
            Guid guid => guid,
            byte[] bytes => new Guid(bytes),
            _ => Guid.Parse((string)value),
        };
    }

    internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) =>
            SetText(parameter, value.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset time => time,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture),
        };
    }

    internal sealed class DecimalHandler : SqlMapper.TypeHandler<decimal>
    {
        public override void SetValue(IDbDataParameter parameter, decimal value) =>
            SetText(parameter, value.ToString("0.0###########################", CultureInfo.InvariantCulture));

        public override decimal Parse(object value) => value switch
        {
            string text => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        };
    }
}

using System.Data.Common;
using Tessera.Storage;

namespace Tessera.Projections;

/// <summary>
/// A projection: a class of <c>When(TEvent, TBatch)</c> handlers that write one read model. The event types of its
/// <c>When</c> methods are the events it handles; the runner feeds it only those.
/// </summary>
public interface IProjection
{
    /// <summary>The stable name with a version suffix, for example "order-summaries.v1"; a changed projection bumps it and rebuilds.</summary>
    string Name { get; }
}

/// <summary>A projection that writes SQL tables; <see cref="Schema"/> creates them in an empty read database.</summary>
public interface ISqlProjection : IProjection
{
    /// <summary>The DDL that creates the projection's tables and indexes, run once per set of tables.</summary>
    string Schema { get; }
}

/// <summary>When a projection is applied: after the append (async, the default) or before the command's ack (inline).</summary>
public enum ProjectionMode
{
    /// <summary>A background runner follows the store; reads catch up shortly after each append.</summary>
    Async,

    /// <summary>Applied before the command that appended the events is acknowledged, in the same process.</summary>
    Inline,
}

/// <summary>The unit of work a projection's handlers write into; the runner commits it together with the checkpoint.</summary>
public abstract class ProjectionBatch
{
    /// <summary>The stored event being applied now: id, position, stream and metadata (user, time, signature).</summary>
    public RecordedEvent Current { get; internal set; } = null!;
}

/// <summary>A batch on a SQL read database: run statements on <see cref="Connection"/> within <see cref="Transaction"/>.</summary>
public sealed class SqlBatch : ProjectionBatch
{
    internal SqlBatch(DbConnection connection, DbTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The connection to the projection's tables.</summary>
    public DbConnection Connection { get; }

    /// <summary>The transaction that also stores the checkpoint; pass it to every statement.</summary>
    public DbTransaction Transaction { get; }
}

using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tessera.Projections;
using Tessera.Serialization;

namespace Tessera.Storage.Postgres;

/// <summary>
/// Runs the inline projections inside an append's transaction when the read models live in the events' database, so
/// the append and the read-model change commit or roll back together. The append holds the store's append lock
/// exclusively, so every position below its own is final: each projection first applies what it has not seen yet from
/// its stored checkpoint, then the append's own events, and stores the new checkpoint in the same transaction.
/// </summary>
internal sealed class InlineAppendProjector(IServiceProvider services, PostgresReadModelStore readModels)
{
    private readonly Lazy<ProjectionDefinition[]> _inline = new(() =>
        [.. services.GetRequiredService<ProjectionRunners>().All.Where(r => r.Definition.Mode == ProjectionMode.Inline).Select(r => r.Definition)]);

    private readonly Lazy<MessageSerializer> _serializer = new(services.GetRequiredService<MessageSerializer>);

    /// <summary>True when some projection runs inline.</summary>
    public bool Any => _inline.Value.Length > 0;

    /// <summary>Creates the projector when read models and events share one database, else returns null.</summary>
    public static InlineAppendProjector? Create(IServiceProvider services)
    {
        var events = services.GetService<PostgresStoreOptions>();
        var read = services.GetService<PostgresReadModelOptions>();
        if (events is null || read is null || !SameDatabase(events.ConnectionString, read.ConnectionString))
        {
            return null;
        }
        return new InlineAppendProjector(services, services.GetRequiredService<PostgresReadModelStore>());
    }

    /// <summary>Applies every event up to <paramref name="last"/> that each inline projection has not applied, in the open transaction.</summary>
    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Sql sql, long last, CancellationToken cancellationToken)
    {
        foreach (var projection in _inline.Value)
        {
            var schema = readModels.ServingSchema(projection.Name);
            long checkpoint;
            await using (var read = new NpgsqlCommand($"SELECT position FROM {schema}.tessera_checkpoint WHERE id = 1 FOR UPDATE", connection, transaction))
            {
                checkpoint = (long)(await read.ExecuteScalarAsync(cancellationToken))!;
            }
            if (checkpoint >= last)
            {
                continue;
            }
            await Execute(connection, transaction, $"SET LOCAL search_path TO {schema}", cancellationToken);
            var batch = new SqlBatch(connection, transaction);
            while (checkpoint < last)
            {
                List<RecordedEvent> events;
                await using (var page = new NpgsqlCommand(sql.ReadAll, connection, transaction)
                {
                    Parameters = { new() { Value = checkpoint }, new() { Value = last }, new() { Value = 1_000 } },
                })
                {
                    events = await EventRows.ReadAllAsync(page, cancellationToken);
                }
                foreach (var e in events)
                {
                    await ApplyAsync(projection, batch, e);
                }
                checkpoint = events.Count > 0 ? events[^1].Position.Value : last;
            }
            await Execute(connection, transaction, $"UPDATE tessera_checkpoint SET position = {last}; SET LOCAL search_path TO DEFAULT", cancellationToken);
        }
    }

    private async Task ApplyAsync(ProjectionDefinition projection, SqlBatch batch, RecordedEvent e)
    {
        if (!projection.Handlers.TryGet(e.Type, out var handler))
        {
            return;
        }
        try
        {
            batch.Current = e;
            await handler.Invoke(projection.Instance, _serializer.Value.Deserialize(handler.EventType, e.Data.Span), batch);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InlineProjectionException(projection.Name, e, ex);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool SameDatabase(string events, string read)
    {
        var a = new NpgsqlConnectionStringBuilder(events);
        var b = new NpgsqlConnectionStringBuilder(read);
        return string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Database == b.Database;
    }
}

/// <summary>An inline projection threw while applying an event inside an append's transaction; the append was rolled back and nothing was stored.</summary>
public sealed class InlineProjectionException : Exception
{
    internal InlineProjectionException(string projection, RecordedEvent e, Exception inner)
        : base($"The inline projection '{projection}' failed on event {e.Type} {e.EventId} (stream '{e.Stream}'): {inner.Message}. The append was rolled back: nothing was stored.", inner)
    {
        Projection = projection;
        EventId = e.EventId;
    }

    /// <summary>The projection that failed.</summary>
    public string Projection { get; }

    /// <summary>The event it failed on.</summary>
    public Guid EventId { get; }
}

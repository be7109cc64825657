using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messages;
using Tessera.Projections;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Projections;

/// <summary>A projection that checks it sees every deposit once and in order (each amount is the one before plus one).</summary>
public sealed class SequenceProjection : IProjection
{
    public string Name => "sequence.v1";

    public static ValueTask When(Deposited e, MemoryBatch b)
    {
        var last = b.TryGet<long[]>("sequence", "last", out var row) ? row[0] : 0;
        if (e.Amount != last + 1)
        {
            throw new InvalidOperationException($"Expected deposit {last + 1}, got {e.Amount}.");
        }
        b.Put("sequence", "last", new[] { last + 1 });
        return ValueTask.CompletedTask;
    }
}

/// <summary>A log of generated deposits, made on demand page by page: a backlog that costs no memory of its own.</summary>
public sealed class GeneratedLog(long count) : IEventStore
{
    private static readonly StreamName Stream = StreamName.For("account", AccountId.New());
    private long _handedOut;

    public long HandedOut => Volatile.Read(ref _handedOut);

    public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        var id = new AccountId(Guid.Empty);
        var end = Math.Min(count, after.Value + maxCount);
        var page = new List<RecordedEvent>((int)(end - after.Value));
        for (var p = after.Value + 1; p <= end; p++)
        {
            var data = Encoding.UTF8.GetBytes($$"""{"id":"{{id.Value}}","amount":{{p}}}""");
            page.Add(new RecordedEvent(Guid.CreateVersion7(), Stream, new StreamVersion(p - 1), new GlobalPosition(p), "test.deposited.v1", data, new EventMetadata()));
        }
        Volatile.Write(ref _handedOut, end);
        return ValueTask.FromResult(new AllSlice(page, page.Count == 0 ? after : new GlobalPosition(end), end >= count));
    }

    public async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var position = after;
        while (true)
        {
            var slice = await ReadAllAsync(position, maxBatch, cancellationToken);
            if (slice.Events.Count == 0)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            position = slice.Next;
            yield return slice.Events;
        }
    }

    public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(new GlobalPosition(count));

    public ValueTask<StreamSlice> ReadStreamAsync(StreamName stream, StreamVersion from, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public ValueTask<RecordedEvent?> ReadEventAsync(Guid eventId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<AppendResult> AppendAsync(StreamName stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

public sealed class BacklogTests
{
    [Fact]
    public async Task a_projection_behind_a_million_events_reads_them_in_bounded_pages_and_drops_nothing_or_reorders()
    {
        const long Backlog = 1_000_000;
        const int Batch = 500;
        var log = new GeneratedLog(Backlog);
        var services = new ServiceCollection();
        services.AddSingleton<IEventStore>(log);
        services.AddTessera(b =>
        {
            b.AddAccounts();
            b.UseInMemoryReadModels();
            b.AddProjection<SequenceProjection>();
            b.Options.ProjectionBatchSize = Batch;
        });
        await using var provider = services.BuildServiceProvider();
        var store = (InMemoryReadModelStore)provider.GetRequiredService<IReadModelStore>();
        long widest = 0;
        store.BeforeCommit = (_, checkpoint) =>
        {
            // Events read from the log but not yet committed: what the runner holds in memory at most.
            widest = Math.Max(widest, log.HandedOut - store.CheckpointOf("sequence.v1").Value);
        };
        await provider.StartAsync();

        Assert.True(await provider.GetRequiredService<ProjectionAdmin>().WaitForPositionAsync(new GlobalPosition(Backlog), TimeSpan.FromMinutes(5)));

        Assert.True(store.ReadMemory("sequence.v1").TryGet<long[]>("sequence", "last", out var last));
        Assert.Equal(Backlog, last[0]);
        Assert.InRange(widest, 1, Batch);
        await provider.StopAsync();
    }
}

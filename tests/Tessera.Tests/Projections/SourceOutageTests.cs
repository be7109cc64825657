using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Commands;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Projections;

public sealed class SourceOutageTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task a_source_that_is_down_when_the_host_starts_does_not_stop_it_and_the_projections_catch_up_when_it_is_back()
    {
        var store = new InMemoryEventStore();
        using var source = new FlakySource(new StoreEventSource(store)) { Down = true };
        await using var provider = await Build(store, source).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        var id = AccountId.New();
        var opened = await bus.SendAsync(new OpenAccount(id, "ann"), Accounts.As(Accounts.Teller));

        var failed = await admin.WaitForStateAsync("balances.v1", ProjectionState.Failed);
        Assert.Contains("event source is unavailable", failed.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(QueryStatus.NotYetConsistent, (await provider.GetRequiredService<QueryBus>().QueryAsync(new GetBalance(id), opened.Position)).Status);

        source.Down = false;
        await RecoveredAsync(admin, opened.Position);
        Assert.Equal(QueryStatus.Ok, (await provider.GetRequiredService<QueryBus>().QueryAsync(new GetBalance(id), opened.Position)).Status);
        Assert.True(source.Calls > 1);
        await provider.StopAsync();
    }

    [Fact]
    public async Task a_source_that_fails_while_followed_is_followed_again_without_an_operator()
    {
        var store = new InMemoryEventStore();
        using var source = new FlakySource(new StoreEventSource(store));
        await using var provider = await Build(store, source).StartAsync();
        var bus = provider.GetRequiredService<CommandBus>();
        var admin = provider.GetRequiredService<ProjectionAdmin>();
        var id = AccountId.New();
        Assert.True(await admin.WaitForPositionAsync((await bus.SendAsync(new OpenAccount(id, "ann"), Accounts.As(Accounts.Teller))).Position, Long));

        source.Down = true;
        source.BreakSubscriptions();
        var failed = await admin.WaitForStateAsync("balances.v1", ProjectionState.Failed);
        Assert.Contains("event source failed", failed.Error!.Message, StringComparison.Ordinal);
        var deposited = await bus.SendAsync(new Deposit(id, 5m), Accounts.As(Accounts.Teller));
        source.Down = false;

        await RecoveredAsync(admin, deposited.Position);
        Assert.Equal(5m, (await provider.GetRequiredService<QueryBus>().QueryAsync(new GetBalance(id), deposited.Position)).Value!.Amount);
        await provider.StopAsync();
    }

    /// <summary>Waits until the projections pass <paramref name="position"/>; while they wait out a retry pause, WaitForPositionAsync answers false at once.</summary>
    private static async Task RecoveredAsync(ProjectionAdmin admin, GlobalPosition position)
    {
        var deadline = DateTime.UtcNow + Long;
        while (!await admin.WaitForPositionAsync(position, TimeSpan.FromSeconds(1)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not recovered: {(await admin.GetAsync("balances.v1"))!.Error?.Message}");
            await Task.Delay(50);
        }
    }

    private static ServiceProvider Build(InMemoryEventStore store, FlakySource source)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEventStore>(store);
        services.AddSingleton<IProjectionEventSource>(source);
        services.AddTessera(b =>
        {
            b.AddAccounts(0);
            b.AddBalances();
        });
        return services.BuildServiceProvider();
    }

    /// <summary>An event source that throws, like a broker that is down, while <see cref="Down"/> is set.</summary>
    private sealed class FlakySource(IProjectionEventSource inner) : IProjectionEventSource, IDisposable
    {
        private CancellationTokenSource _break = new();
        private int _calls;

        public volatile bool Down;

        public int Calls => Volatile.Read(ref _calls);

        public void Dispose() => _break.Dispose();

        public void BreakSubscriptions() => Interlocked.Exchange(ref _break, new CancellationTokenSource()).Cancel();

        public ValueTask<GlobalPosition> ReadHeadAsync(CancellationToken cancellationToken = default)
        {
            Check();
            return inner.ReadHeadAsync(cancellationToken);
        }

        public ValueTask<AllSlice> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.ReadAllAsync(after, maxCount, cancellationToken);
        }

        public async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> SubscribeAsync(GlobalPosition after, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Check();
            using var broken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Volatile.Read(ref _break).Token);
            var events = inner.SubscribeAsync(after, maxBatch, broken.Token).GetAsyncEnumerator(broken.Token);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync();
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new IOException("connection to the broker lost");
                    }
                    if (!more)
                    {
                        yield break;
                    }
                    yield return events.Current;
                }
            }
            finally
            {
                await events.DisposeAsync();
            }
        }

        private void Check()
        {
            Interlocked.Increment(ref _calls);
            if (Down)
            {
                throw new IOException("no broker at 127.0.0.1");
            }
        }
    }
}

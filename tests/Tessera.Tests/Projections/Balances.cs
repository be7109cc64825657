using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Projections;
using Tessera.Queries;
using Tessera.Storage;

namespace Tessera.Tests.Projections;

public sealed record Balance(AccountId Id, string Owner, decimal Amount, int Deposits);

/// <summary>Balances per account, in memory; a deposit of exactly 13 is the poison event its handler cannot apply.</summary>
public sealed class BalancesProjection : IProjection
{
    public const decimal Poison = 13m;

    public string Name => "balances.v1";

    public static ValueTask When(AccountOpened e, MemoryBatch b)
    {
        b.Put("balances", e.Id, new Balance(e.Id, e.Owner, 0m, 0));
        return ValueTask.CompletedTask;
    }

    public static ValueTask When(Deposited e, MemoryBatch b)
    {
        if (e.Amount == Poison)
        {
            throw new InvalidOperationException("13 is unlucky");
        }
        b.TryGet<Balance>("balances", e.Id, out var balance);
        b.Put("balances", e.Id, balance with { Amount = balance.Amount + e.Amount, Deposits = balance.Deposits + 1 });
        return ValueTask.CompletedTask;
    }

    public static ValueTask When(Withdrawn e, MemoryBatch b)
    {
        b.TryGet<Balance>("balances", e.Id, out var balance);
        b.Put("balances", e.Id, balance with { Amount = balance.Amount - e.Amount });
        return ValueTask.CompletedTask;
    }
}

/// <summary>Owners of accounts: a second projection that has no poison, to show a failure stops only its own projection.</summary>
public sealed class OwnersProjection : IProjection
{
    public string Name => "owners.v1";

    public static ValueTask When(AccountOpened e, MemoryBatch b)
    {
        b.Put("owners", e.Id, e.Owner);
        return ValueTask.CompletedTask;
    }
}

public sealed record GetBalance(AccountId Id) : IQuery<Balance?>;

public sealed record CountOwners : IQuery<OwnerCount>;

public sealed record OwnerCount(int Count);

public sealed class BalanceQueries : IQueryHandler<GetBalance, Balance?>, IQueryHandler<CountOwners, OwnerCount>
{
    public int Reads { get; private set; }

    public ValueTask<Balance?> HandleAsync(GetBalance query, QueryContext context)
    {
        Reads++;
        return ValueTask.FromResult(context.ReadMemory().TryGet<Balance>("balances", query.Id, out var balance) ? balance : null);
    }

    public ValueTask<OwnerCount> HandleAsync(CountOwners query, QueryContext context) =>
        ValueTask.FromResult(new OwnerCount(context.ReadMemory().Rows<string>("owners").Count()));
}

public static class ReadSide
{
    /// <summary>The accounts domain with both projections and their queries on the in-memory read models.</summary>
    public static TesseraBuilder AddBalances(this TesseraBuilder b, ProjectionMode mode = ProjectionMode.Async)
    {
        b.UseInMemoryReadModels();
        b.AddProjection<BalancesProjection>(mode);
        b.AddProjection<OwnersProjection>();
        b.Query<GetBalance>("test.get-balance").Reads<BalancesProjection>();
        b.Query<CountOwners>("test.count-owners").Reads<OwnersProjection>();
        b.AddQueryHandler<BalanceQueries>();
        return b;
    }

    /// <summary>Starts the hosted services (the projection runners among them), as a host would.</summary>
    public static async Task<ServiceProvider> StartAsync(this ServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
        return provider;
    }

    public static async Task StopAsync(this ServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public static async Task<ProjectionStatus> WaitForStateAsync(this ProjectionAdmin admin, string name, ProjectionState state)
    {
        while (true)
        {
            var status = await admin.GetAsync(name);
            if (status!.State == state)
            {
                return status;
            }
            await Task.Delay(5);
        }
    }
}

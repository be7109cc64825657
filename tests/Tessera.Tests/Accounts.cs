using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Tests;

[JsonConverter(typeof(IdentityJsonConverter<AccountId>))]
public readonly record struct AccountId(Guid Value) : IIdentity<AccountId>
{
    public static AccountId New() => new(Guid.CreateVersion7());

    public static bool TryParse(string? value, out AccountId id)
    {
        var valid = Guid.TryParse(value, out var guid);
        id = new AccountId(guid);
        return valid;
    }

    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);
}

public sealed record OpenAccount(AccountId Id, string Owner) : ICommand<AccountId>;

public sealed record Deposit(AccountId Id, decimal Amount) : ICommand<AccountId>;

public sealed record Withdraw(AccountId Id, decimal Amount) : ICommand<AccountId>;

public sealed record Ping(AccountId Id) : ICommand<AccountId>;

public sealed record AccountOpened(AccountId Id, string Owner) : IEvent<AccountId>;

public sealed record Deposited(AccountId Id, decimal Amount) : IEvent<AccountId>;

public sealed record Withdrawn(AccountId Id, decimal Amount) : IEvent<AccountId>;

public sealed record AccountState
{
    public decimal Balance { get; init; }

    public int Deposits { get; init; }

    public AccountState When(AccountOpened e) => this;

    public AccountState When(Deposited e) => this with { Balance = Balance + e.Amount, Deposits = Deposits + 1 };

    public AccountState When(Withdrawn e) => this with { Balance = Balance - e.Amount };
}

public sealed class Account : Aggregate<AccountId, AccountState>
{
    public void When(OpenAccount c) => Raise(new AccountOpened(c.Id, c.Owner));

    public void When(Deposit c) => Raise(new Deposited(c.Id, c.Amount));

    public void When(Withdraw c) => Raise(new Withdrawn(c.Id, c.Amount));
}

/// <summary>A handler that does nothing: the bus's own cost, measured without an aggregate.</summary>
public sealed class PingHandler : ICommandHandler<Ping>
{
    public ValueTask<CommandResult> HandleAsync(Ping command, CommandContext context) =>
        ValueTask.FromResult(CommandResult.Accepted(default, default));
}

[JsonSerializable(typeof(OpenAccount))]
[JsonSerializable(typeof(Deposit))]
[JsonSerializable(typeof(Withdraw))]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(AccountOpened))]
[JsonSerializable(typeof(Deposited))]
[JsonSerializable(typeof(Withdrawn))]
[JsonSerializable(typeof(AccountState))]
public sealed partial class AccountsJsonContext : JsonSerializerContext;

public static class Accounts
{
    public const string Password = "right-password";

    public static readonly ClaimsPrincipal Teller = User("tess", "teller");

    public static readonly ClaimsPrincipal Customer = User("carl", "customer");

    public static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    public static readonly Rule<Deposit> PositiveDeposit = Rule.For<Deposit>("account.amount-not-positive", "Deposit more than zero.", c => c.Amount > 0, "amount");

    public static readonly Rule<Deposit> SmallDeposit = Rule.For<Deposit>("account.amount-too-large", "Deposit at most 1000.", c => c.Amount <= 1000, "amount");

    public static readonly Rule<Deposit> WholeDeposit = Rule.For<Deposit>("account.amount-not-whole", "Deposit whole units.", c => c.Amount == decimal.Truncate(c.Amount), "amount");

    public static readonly Rule<AccountState, Withdraw> Funds = Rule.For<AccountState, Withdraw>("account.insufficient-funds", "Not enough money.", (s, c) => s.Balance >= c.Amount, "amount");

    public static readonly Rule<AccountState, Withdraw> NoOverdraftAtAll = Rule.For<AccountState, Withdraw>("account.balance-zero", "The account is empty.", (s, _) => s.Balance > 0);

    public static ClaimsPrincipal User(string name, params string[] roles) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    /// <summary>The accounts domain: open, deposit (3 command rules), withdraw (2 state rules, signed above 500), ping.</summary>
    public static TesseraBuilder AddAccounts(this TesseraBuilder b, int snapshotEvery = 0)
    {
        b.AddJson(AccountsJsonContext.Default);
        b.Events.Add<AccountOpened>("test.account-opened.v1").Add<Deposited>("test.deposited.v1").Add<Withdrawn>("test.withdrawn.v1");
        b.Command<OpenAccount>("test.open-account");
        b.Command<Deposit>("test.deposit").Validate(PositiveDeposit, SmallDeposit, WholeDeposit);
        b.Command<Withdraw>("test.withdraw").AllowRoles("teller").RequireSignature(c => c.Amount > 500, "approved");
        b.Command<Ping>("test.ping");
        b.AddAggregate<Account, AccountState>("account", a =>
        {
            a.Creates<OpenAccount>().Handles<Deposit>().Handles(Funds, NoOverdraftAtAll);
            if (snapshotEvery > 0)
            {
                a.SnapshotEvery(snapshotEvery);
            }
        });
        b.AddCommandHandler<Ping, PingHandler>();
        b.UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string> { ["tess"] = PasswordSignatureVerifier.HashPassword(Password, 1_000) }));
        return b;
    }

    /// <summary>A service provider with the accounts domain over the given store (in memory by default).</summary>
    public static ServiceProvider Provider(IEventStore? store = null, Action<TesseraBuilder>? more = null, int snapshotEvery = 0, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        services.AddSingleton(store ?? new InMemoryEventStore());
        services.AddTessera(b =>
        {
            b.AddAccounts(snapshotEvery);
            more?.Invoke(b);
        });
        return services.BuildServiceProvider();
    }

    public static CommandContext As(ClaimsPrincipal user) => new() { User = user };
}

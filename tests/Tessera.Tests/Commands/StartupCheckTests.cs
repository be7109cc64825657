using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Commands;

public sealed class StartupCheckTests
{
    [Fact]
    public void a_declared_command_with_no_handler_stops_the_start()
    {
        var error = StartFails(b => b.Command<Orphan>("test.orphan"));
        Assert.Contains(error.Problems, p => p.Contains("Orphan ('test.orphan') has no handler", StringComparison.Ordinal));
    }

    [Fact]
    public void a_command_with_two_handlers_stops_the_start()
    {
        var error = StartFails(b => b.AddCommandHandler<Ping, SecondPingHandler>());
        Assert.Contains(error.Problems, p => p.Contains("Ping ('test.ping') has 2 handlers", StringComparison.Ordinal));
    }

    [Fact]
    public void one_error_lists_every_offender()
    {
        var error = StartFails(b =>
        {
            b.Command<Orphan>("test.orphan");
            b.AddCommandHandler<Ping, SecondPingHandler>();
            b.AddCommandHandler<Undeclared, UndeclaredHandler>();
        });
        Assert.Contains(error.Problems, p => p.Contains("Orphan", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Ping", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Undeclared has a handler but is not declared", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("No registered JSON context covers the command Orphan", StringComparison.Ordinal));
        Assert.Equal(4, error.Problems.Count);
        Assert.Contains("4 problem(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_handler_registered_straight_into_the_container_counts_too()
    {
        var error = StartFails(b => b.Services.AddSingleton<ICommandHandler<Ping>, SecondPingHandler>());
        Assert.Contains(error.Problems, p => p.Contains("has 2 handlers", StringComparison.Ordinal));
    }

    [Fact]
    public void an_event_of_the_aggregate_without_a_when_on_its_state_stops_the_start()
    {
        var error = StartFails(b => b.Events.Add<Frozen>("test.frozen.v1"));
        Assert.Contains(error.Problems, p => p.Contains("AccountState has no 'When(Frozen)' method", StringComparison.Ordinal));
    }

    [Fact]
    public void duplicate_event_names_and_types_stop_the_start()
    {
        var error = StartFails(b => b.Events.Add<Frozen>("test.deposited.v1").Add<Deposited>("test.deposited.v2"));
        Assert.Contains(error.Problems, p => p.Contains("'test.deposited.v1' is given to both Deposited and Frozen", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Deposited is registered twice", StringComparison.Ordinal));
    }

    [Fact]
    public void duplicate_command_names_stop_the_start()
    {
        var error = StartFails(b =>
        {
            b.Command<Orphan>("test.ping");
            b.AddCommandHandler<Orphan, OrphanHandler>();
        });
        Assert.Contains(error.Problems, p => p.Contains("'test.ping' is given to both", StringComparison.Ordinal));
    }

    [Fact]
    public void a_signed_command_without_a_verifier_stops_the_start()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEventStore>(new InMemoryEventStore());
        services.AddTessera(b => b.AddAccounts());
        services.RemoveAll<ISignatureVerifier>();
        var error = Assert.Throws<TesseraConfigurationException>(() => services.BuildServiceProvider().GetRequiredService<CommandBus>());
        Assert.Contains(error.Problems, p => p.Contains("Withdraw requires an electronic signature, but no ISignatureVerifier", StringComparison.Ordinal));
    }

    [Fact]
    public void no_event_store_stops_the_start()
    {
        var services = new ServiceCollection();
        services.AddTessera(b => b.AddAccounts());
        var error = Assert.Throws<TesseraConfigurationException>(() => services.BuildServiceProvider().GetRequiredService<CommandBus>());
        Assert.Contains(error.Problems, p => p.Contains("No event store is configured", StringComparison.Ordinal));
    }

    [Fact]
    public void an_aggregate_declaring_a_command_it_has_no_when_for_stops_the_start()
    {
        var error = StartFails(b =>
        {
            b.Command<Orphan>("test.orphan");
            b.AddAggregate<Mute, AccountState>("mute", a => a.Handles<Orphan>());
        });
        Assert.Contains(error.Problems, p => p.Contains("Mute handles Orphan but has no public 'void When(Orphan command)' method", StringComparison.Ordinal));
    }

    [Fact]
    public async Task the_host_refuses_to_start_on_a_configuration_problem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IEventStore>(new InMemoryEventStore());
        builder.Services.AddTessera(b => b.AddAccounts().Command<Orphan>("test.orphan"));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<TesseraConfigurationException>(() => host.StartAsync());
        Assert.Contains(error.Problems, p => p.Contains("Orphan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task sending_a_command_type_that_was_never_declared_is_a_clear_error()
    {
        using var provider = Accounts.Provider();
        var bus = provider.GetRequiredService<CommandBus>();
        var error = await Assert.ThrowsAsync<UnknownCommandException>(async () => await bus.SendAsync(new Undeclared(AccountId.New()), Accounts.As(Accounts.Teller)));
        Assert.Contains("Undeclared is not a declared command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_well_formed_configuration_starts()
    {
        using var provider = Accounts.Provider();
        var bus = provider.GetRequiredService<CommandBus>();
        Assert.Equal(typeof(Deposit), bus.Commands["test.deposit"]);
    }

    private static TesseraConfigurationException StartFails(Action<TesseraBuilder> more)
    {
        using var provider = Accounts.Provider(more: more);
        return Assert.Throws<TesseraConfigurationException>(() => provider.GetRequiredService<CommandBus>());
    }

    public sealed record Orphan(AccountId Id) : Messages.ICommand<AccountId>;

    public sealed record Undeclared(AccountId Id) : Messages.ICommand<AccountId>;

    public sealed record Frozen(AccountId Id) : Messages.IEvent<AccountId>;

    public sealed class Mute : Tessera.Aggregates.Aggregate<AccountId, AccountState>;

    public sealed class SecondPingHandler : ICommandHandler<Ping>
    {
        public ValueTask<CommandResult> HandleAsync(Ping command, CommandContext context) => default;
    }

    public sealed class UndeclaredHandler : ICommandHandler<Undeclared>
    {
        public ValueTask<CommandResult> HandleAsync(Undeclared command, CommandContext context) => default;
    }

    public sealed class OrphanHandler : ICommandHandler<Orphan>
    {
        public ValueTask<CommandResult> HandleAsync(Orphan command, CommandContext context) => default;
    }
}

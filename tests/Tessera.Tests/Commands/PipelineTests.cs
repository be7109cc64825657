using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Commands;

public sealed class PipelineTests
{
    private readonly InMemoryEventStore _store = new();

    [Fact]
    public async Task an_accepted_command_returns_the_position_and_version_of_its_last_event()
    {
        var bus = Bus();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        var result = await bus.SendAsync(new Deposit(id, 10), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.Accepted, result.Status);
        Assert.Equal(new GlobalPosition(2), result.Position);
        Assert.Equal(new StreamVersion(1), result.StreamVersion);
        Assert.Equal(new GlobalPosition(2), await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task validation_reports_every_violated_command_rule_and_appends_nothing()
    {
        var bus = Bus();
        var id = await OpenAsync(bus);
        var result = await bus.SendAsync(new Deposit(id, 2000.5m), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.ValidationFailed, result.Status);
        Assert.Equal(["account.amount-not-whole", "account.amount-too-large"], result.Violations.Select(v => v.Code).Order());
        Assert.All(result.Violations, v => Assert.Equal("amount", v.Field));
        Assert.Equal(new GlobalPosition(1), await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task validation_reports_every_violated_state_rule()
    {
        var bus = Bus();
        var id = await OpenAsync(bus);
        var result = await bus.SendAsync(new Withdraw(id, 5), Accounts.As(Accounts.Teller));
        Assert.Equal(["account.balance-zero", "account.insufficient-funds"], result.Violations.Select(v => v.Code).Order());
    }

    [Fact]
    public async Task a_command_on_a_missing_aggregate_is_not_found()
    {
        var result = await Bus().SendAsync(new Deposit(AccountId.New(), 5), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.NotFound, result.Status);
        Assert.Equal(GlobalPosition.Start, await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_creating_command_on_an_existing_aggregate_is_a_conflict()
    {
        var bus = Bus();
        var id = await OpenAsync(bus);
        var result = await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.Conflict, result.Status);
    }

    [Fact]
    public async Task an_anonymous_sender_is_unauthorized()
    {
        var bus = Bus();
        Assert.Equal(CommandStatus.Unauthorized, (await bus.SendAsync(new OpenAccount(AccountId.New(), "x"), default)).Status);
        Assert.Equal(CommandStatus.Unauthorized, (await bus.SendAsync(new OpenAccount(AccountId.New(), "x"), Accounts.As(Accounts.Anonymous))).Status);
        Assert.Equal(GlobalPosition.Start, await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_sender_without_the_role_is_forbidden()
    {
        var bus = Bus();
        var id = await OpenAsync(bus);
        var result = await bus.SendAsync(new Withdraw(id, 1), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.Forbidden, result.Status);
        Assert.Contains("teller", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_signed_command_without_a_signature_requires_one()
    {
        var bus = Bus();
        var id = await FundedAsync(bus, 1000);
        var result = await bus.SendAsync(new Withdraw(id, 600), Accounts.As(Accounts.Teller));
        Assert.Equal(CommandStatus.SignatureRequired, result.Status);
    }

    [Fact]
    public async Task a_signature_is_needed_only_where_the_command_says()
    {
        var bus = Bus();
        var id = await FundedAsync(bus, 1000);
        var result = await bus.SendAsync(new Withdraw(id, 400), Accounts.As(Accounts.Teller));
        Assert.Equal(CommandStatus.Accepted, result.Status);
    }

    [Theory]
    [InlineData("tess", "approved", "wrong", "password is not correct")]
    [InlineData("someone", "approved", Accounts.Password, "signer must be the user")]
    [InlineData("tess", "reviewed", Accounts.Password, "must be one of: approved")]
    [InlineData("tess", "", Accounts.Password, "needs a signer, a meaning and a credential")]
    public async Task a_bad_signature_is_rejected_and_nothing_is_appended(string signer, string meaning, string credential, string reason)
    {
        var bus = Bus();
        var id = await FundedAsync(bus, 1000);
        var stream = StreamName.For("account", id);
        var before = (await _store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100)).LastVersion;
        var context = Accounts.As(Accounts.Teller) with { Signature = new SignatureBlock(signer, meaning, credential) };
        var result = await bus.SendAsync(new Withdraw(id, 600), context);
        Assert.Equal(CommandStatus.SignatureRejected, result.Status);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
        Assert.Equal(before, (await _store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100)).LastVersion);
    }

    [Fact]
    public async Task a_verified_signature_is_recorded_in_the_event_metadata_bound_to_the_command_hash()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await FundedAsync(bus, 1000);
        var context = Accounts.As(Accounts.Teller) with { Signature = new SignatureBlock("tess", "approved", Accounts.Password) };
        var result = await bus.SendAsync(new Withdraw(id, 600), context);
        Assert.Equal(CommandStatus.Accepted, result.Status);
        var stored = (await _store.ReadStreamAsync(StreamName.For("account", id), result.StreamVersion, ReadDirection.Forwards, 1)).Events.Single();
        var signature = Assert.IsType<SignatureRecord>(stored.Metadata.Signature);
        Assert.Equal(("tess", "approved", "password"), (signature.Signer, signature.Meaning, signature.Method));
        var json = provider.GetRequiredService<Tessera.Serialization.MessageSerializer>().Serialize(new Withdraw(id, 600));
        Assert.Equal(CommandHash.Compute("test.withdraw", json), signature.CommandHash);
    }

    [Fact]
    public async Task every_signing_and_every_refusal_lands_in_the_audit_trail()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await FundedAsync(bus, 1000);
        var signed = Accounts.As(Accounts.Teller) with { Signature = new SignatureBlock("tess", "approved", Accounts.Password) };
        await bus.SendAsync(new Withdraw(id, 600), signed with { Signature = new SignatureBlock("tess", "approved", "wrong") });
        await bus.SendAsync(new Withdraw(id, 600), signed with { Signature = new SignatureBlock("someone", "approved", "x") });
        await bus.SendAsync(new Withdraw(id, 600), signed);

        var trail = new List<SignatureAuditEntry>();
        await foreach (var entry in provider.GetRequiredService<SignatureAudit>().ReadAsync())
        {
            trail.Add(entry);
        }

        Assert.Equal([false, false, true], trail.Select(e => e.Verified));
        Assert.All(trail, e => Assert.Equal(("test.withdraw", "tess"), (e.CommandName, e.User)));
        Assert.Contains("signer must be the user", trail[1].Detail, StringComparison.Ordinal);
        Assert.Single(trail.Select(e => e.CommandHash).Distinct());
    }

    [Fact]
    public async Task events_carry_correlation_causation_user_and_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        using var provider = Accounts.Provider(_store, time: time);
        var bus = provider.GetRequiredService<CommandBus>();
        var commandId = Guid.CreateVersion7();
        var correlation = Guid.CreateVersion7();
        await bus.SendAsync(new OpenAccount(AccountId.New(), "carl"), Accounts.As(Accounts.Customer) with { CommandId = commandId, CorrelationId = correlation });
        var stored = (await _store.ReadAllAsync(GlobalPosition.Start, 10)).Events.Single();
        Assert.Equal(commandId, stored.Metadata.CausationId);
        Assert.Equal(correlation, stored.Metadata.CorrelationId);
        Assert.Equal("carl", stored.Metadata.User);
        Assert.Equal(time.GetUtcNow(), stored.Metadata.Time);
        Assert.Null(stored.Metadata.Signature);
        Assert.Equal("test.account-opened.v1", stored.Type);
    }

    [Fact]
    public async Task steps_run_in_the_documented_order_with_custom_steps_where_they_were_put()
    {
        var log = new List<string>();
        using var provider = Accounts.Provider(_store, more: b =>
        {
            b.Services.AddSingleton(log);
            b.AddStep<BeforeAuthorization>(CommandStage.Authorization);
            b.AddStep<BeforeIdempotency>(CommandStage.Idempotency);
            b.AddStep<BeforeExecution>();
        });
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        log.Clear();

        await bus.SendAsync(new Deposit(id, 1), Accounts.As(Accounts.Anonymous));
        Assert.Equal(["before-authorization"], log);

        log.Clear();
        await bus.SendAsync(new Deposit(id, -1), Accounts.As(Accounts.Customer));
        Assert.Equal(["before-authorization"], log);

        log.Clear();
        var result = await bus.SendAsync(new Deposit(id, 1), Accounts.As(Accounts.Customer));
        Assert.Equal(["before-authorization", "before-idempotency", "before-execution", "after-execution:Accepted"], log);
        Assert.True(result.IsAccepted);
    }

    [Fact]
    public async Task a_custom_step_can_stop_a_command()
    {
        using var provider = Accounts.Provider(_store, more: b => b.AddStep<Closed>(CommandStage.Validation));
        var result = await provider.GetRequiredService<CommandBus>().SendAsync(new OpenAccount(AccountId.New(), "carl"), Accounts.As(Accounts.Customer));
        Assert.Equal(CommandStatus.Forbidden, result.Status);
        Assert.Equal(GlobalPosition.Start, await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_handler_that_is_not_an_aggregate_runs_through_the_same_steps()
    {
        var bus = Bus();
        Assert.Equal(CommandStatus.Unauthorized, (await bus.SendAsync(new Ping(AccountId.New()), default)).Status);
        Assert.Equal(CommandStatus.Accepted, (await bus.SendAsync(new Ping(AccountId.New()), Accounts.As(Accounts.Customer))).Status);
    }

    private CommandBus Bus() => Accounts.Provider(_store).GetRequiredService<CommandBus>();

    private static async Task<AccountId> OpenAsync(CommandBus bus)
    {
        var id = AccountId.New();
        Assert.True((await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer))).IsAccepted);
        return id;
    }

    private static async Task<AccountId> FundedAsync(CommandBus bus, decimal amount)
    {
        var id = await OpenAsync(bus);
        Assert.True((await bus.SendAsync(new Deposit(id, amount), Accounts.As(Accounts.Customer))).IsAccepted);
        return id;
    }

    private sealed class BeforeAuthorization(List<string> log) : ICommandStep
    {
        public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
        {
            log.Add("before-authorization");
            return next(command, context);
        }
    }

    private sealed class BeforeIdempotency(List<string> log) : ICommandStep
    {
        public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
        {
            log.Add("before-idempotency");
            return next(command, context);
        }
    }

    private sealed class BeforeExecution(List<string> log) : ICommandStep
    {
        public async ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
        {
            log.Add("before-execution");
            var result = await next(command, context);
            log.Add($"after-execution:{result.Status}");
            return result;
        }
    }

    private sealed class Closed : ICommandStep
    {
        public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next) =>
            ValueTask.FromResult(CommandResult.Forbidden("The bank is closed."));
    }
}

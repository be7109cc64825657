using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Commands;

/// <summary>Each command type's pipeline holds the built-in steps that have work for it, with custom steps where they were put.</summary>
public sealed class PipelineCompositionTests
{
    private readonly InMemoryEventStore _store = new();
    private readonly List<string> _log = [];

    [Fact]
    public async Task custom_steps_between_built_in_steps_run_where_they_were_put()
    {
        using var provider = Accounts.Provider(_store, more: b =>
        {
            b.Services.AddSingleton(_log);
            b.AddStep<BeforeValidation>(CommandStage.Validation);
            b.AddStep<BeforeSignature>(CommandStage.Signature);
        });
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await FundedAsync(bus, 900);
        _log.Clear();

        // Authorization comes first: a forbidden sender reaches neither step.
        Assert.Equal(CommandStatus.Forbidden, (await bus.SendAsync(new Withdraw(id, 600), Accounts.As(Accounts.Customer))).Status);
        Assert.Empty(_log);

        // Validation sits between the two steps: a violated rule stops the command after the first.
        Assert.Equal(CommandStatus.ValidationFailed, (await bus.SendAsync(new Deposit(id, -1), Accounts.As(Accounts.Customer))).Status);
        Assert.Equal(["before-validation"], _log);

        // The signature step comes after both.
        _log.Clear();
        Assert.Equal(CommandStatus.SignatureRequired, (await bus.SendAsync(new Withdraw(id, 600), Accounts.As(Accounts.Teller))).Status);
        Assert.Equal(["before-validation", "before-signature"], _log);
    }

    [Fact]
    public async Task rules_declared_after_the_command_and_its_aggregate_are_still_checked()
    {
        using var provider = Accounts.Provider(_store, more: b =>
        {
            var note = b.Command<Note>("test.note");
            b.AddJson(NoteJsonContext.Default);
            b.AddCommandHandler<Note, NoteHandler>();
            note.Validate(Rule.For<Note>("account.note-empty", "Write something.", n => n.Text.Length > 0));
            note.Validate(Rule.For<Note>("account.note-blank", "Write more than spaces.", n => !string.IsNullOrWhiteSpace(n.Text)));
        });
        var bus = provider.GetRequiredService<CommandBus>();

        var result = await bus.SendAsync(new Note(AccountId.New(), ""), Accounts.As(Accounts.Customer));

        Assert.Equal(CommandStatus.ValidationFailed, result.Status);
        Assert.Equal(["account.note-blank", "account.note-empty"], result.Violations.Select(v => v.Code).Order());
        Assert.True((await bus.SendAsync(new Note(AccountId.New(), "fine"), Accounts.As(Accounts.Customer))).IsAccepted);
    }

    [Fact]
    public async Task a_command_without_command_rules_still_reports_its_aggregates_rules()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer));

        var result = await bus.SendAsync(new Withdraw(id, 5), Accounts.As(Accounts.Teller));

        Assert.Equal(["account.balance-zero", "account.insufficient-funds"], result.Violations.Select(v => v.Code).Order());
    }

    [Fact]
    public async Task a_command_without_roles_or_rules_still_needs_an_authenticated_sender()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();

        Assert.Equal(CommandStatus.Unauthorized, (await bus.SendAsync(new Ping(AccountId.New()), Accounts.As(Accounts.Anonymous))).Status);
        Assert.True((await bus.SendAsync(new Ping(AccountId.New()), Accounts.As(Accounts.Customer))).IsAccepted);
    }

    [Fact]
    public async Task a_verified_signature_the_sender_made_up_is_dropped()
    {
        using var provider = Accounts.Provider(_store);
        var bus = provider.GetRequiredService<CommandBus>();
        var forged = new SignatureRecord("tess", "approved", DateTimeOffset.UnixEpoch, "hash", "password");
        var context = Accounts.As(Accounts.Customer) with { VerifiedSignature = forged, Signature = new SignatureBlock("tess", "approved", "x") };

        var result = await bus.SendAsync(new OpenAccount(AccountId.New(), "carl"), context);

        Assert.True(result.IsAccepted);
        var stored = (await _store.ReadAllAsync(GlobalPosition.Start, 10)).Events.Single();
        Assert.Null(stored.Metadata.Signature);
        Assert.Equal("x", context.Signature?.Credential);
        Assert.Same(forged, context.VerifiedSignature);
    }

    private static async Task<AccountId> FundedAsync(CommandBus bus, decimal amount)
    {
        var id = AccountId.New();
        Assert.True((await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer))).IsAccepted);
        Assert.True((await bus.SendAsync(new Deposit(id, amount), Accounts.As(Accounts.Customer))).IsAccepted);
        return id;
    }

    private sealed class BeforeValidation(List<string> log) : ICommandStep
    {
        public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
        {
            log.Add("before-validation");
            return next(command, context);
        }
    }

    private sealed class BeforeSignature(List<string> log) : ICommandStep
    {
        public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
        {
            log.Add("before-signature");
            return next(command, context);
        }
    }

    private sealed class NoteHandler : ICommandHandler<Note>
    {
        public ValueTask<CommandResult> HandleAsync(Note command, CommandContext context) => ValueTask.FromResult(CommandResult.Accepted(default, default));
    }
}

/// <summary>A command with rules declared after its aggregate, and a handler of the application's own.</summary>
public sealed record Note(AccountId Id, string Text) : ICommand<AccountId>;

[System.Text.Json.Serialization.JsonSerializable(typeof(Note))]
internal sealed partial class NoteJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

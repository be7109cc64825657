using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Commands;

/// <summary>The bus makes a dispatch's time and command id when something first reads them, and every reader sees the same.</summary>
public sealed class CommandStampTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 22, 0, 0, TimeSpan.Zero);
    private readonly InMemoryEventStore _store = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly Seen _seen = new();

    [Fact]
    public async Task the_time_is_taken_when_first_read_and_every_later_read_and_the_events_see_the_same()
    {
        using var provider = Provider();
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);

        var result = await bus.SendAsync(new Relay(id, 5, Read: true), Accounts.As(Accounts.Customer));

        Assert.True(result.IsAccepted, result.ToString());
        // The handler advanced the clock by a minute before its first read and again between its two reads.
        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(1)], _seen.Times);
        Assert.Equal(2, _seen.Ids.Count);
        Assert.NotEqual(Guid.Empty, _seen.Ids[0]);
        Assert.Equal(_seen.Ids[0], _seen.Ids[1]);
        var deposited = (await _store.ReadStreamAsync(StreamName.For("account", id), StreamVersion.Start, ReadDirection.Forwards, 10)).Events[^1];
        Assert.Equal(_seen.Ids[0], deposited.Metadata.CausationId);
        Assert.Equal(_seen.Ids[0], deposited.Metadata.CorrelationId);
        Assert.Equal(Start.AddMinutes(1), deposited.Metadata.Time);
    }

    [Fact]
    public async Task dispatches_that_read_nothing_leave_nothing_for_the_next_dispatch()
    {
        using var provider = Provider();
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await bus.SendAsync(new Relay(id, 0, Read: false), Accounts.As(Accounts.Customer))).IsAccepted);
        }
        await bus.SendAsync(new Relay(id, 0, Read: true), Accounts.As(Accounts.Customer));
        await bus.SendAsync(new Relay(id, 0, Read: true), Accounts.As(Accounts.Customer));

        Assert.Equal(4, _seen.Ids.Count);
        Assert.DoesNotContain(Guid.Empty, _seen.Ids);
        Assert.Equal(2, _seen.Ids.Distinct().Count());
    }

    [Fact]
    public async Task a_context_kept_past_its_dispatch_never_reads_another_dispatchs_time_or_id()
    {
        using var provider = Provider();
        var bus = provider.GetRequiredService<CommandBus>();
        var id = AccountId.New();
        await bus.SendAsync(new Relay(id, 0, Read: false), Accounts.As(Accounts.Customer));
        await bus.SendAsync(new Relay(id, 0, Read: true), Accounts.As(Accounts.Customer));
        var (unread, read) = (_seen.Contexts[0], _seen.Contexts[1]);

        // The first dispatch ended without reading: its copy has no id of its own, and it must not show the second's.
        Assert.Equal(Guid.Empty, unread.CommandId);
        Assert.Equal(default, unread.Time);
        Assert.Equal(_seen.Ids[0], read.CommandId);
        Assert.Equal(_seen.Times[0], read.Time);
        Assert.Equal(_seen.Ids[0], read.CorrelationId);
    }

    [Fact]
    public async Task a_custom_step_reads_the_id_and_time_that_the_events_carry()
    {
        using var provider = Provider(b => b.AddStep<RecordingStep>(CommandStage.Authorization));
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        _seen.Ids.Clear();
        _seen.Times.Clear();

        var result = await bus.SendAsync(new Deposit(id, 7), Accounts.As(Accounts.Customer));

        var deposited = (await _store.ReadStreamAsync(StreamName.For("account", id), result.StreamVersion, ReadDirection.Forwards, 1)).Events.Single();
        Assert.Equal([deposited.Metadata.CausationId], _seen.Ids);
        Assert.Equal([deposited.Metadata.Time], _seen.Times);
        Assert.NotEqual(Guid.Empty, deposited.Metadata.CausationId);
    }

    [Fact]
    public async Task a_chosen_command_id_is_still_answered_with_its_first_result_when_custom_code_runs()
    {
        using var provider = Provider(b => b.AddStep<RecordingStep>(CommandStage.Authorization));
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);
        var context = Accounts.As(Accounts.Customer) with { CommandId = Guid.CreateVersion7() };

        var first = await bus.SendAsync(new Deposit(id, 10), context);
        var head = await _store.ReadHeadAsync();
        var second = await bus.SendAsync(new Deposit(id, 10), context);

        Assert.Equal((first.Position, first.StreamVersion), (second.Position, second.StreamVersion));
        Assert.Equal(head, await _store.ReadHeadAsync());
        Assert.All(_seen.Ids.Skip(1), seen => Assert.Equal(context.CommandId, seen));
    }

    [Fact]
    public async Task a_derived_context_keeps_the_time_and_correlation_and_gets_its_own_id()
    {
        using var provider = Provider();
        var bus = provider.GetRequiredService<CommandBus>();
        await bus.SendAsync(new Relay(AccountId.New(), 0, Read: true), Accounts.As(Accounts.Customer));
        var context = _seen.Contexts.Single();

        var derived = context.Derive("follow-up");

        Assert.Equal(context.Time, derived.Time);
        Assert.Equal(context.CommandId, derived.CorrelationId);
        Assert.NotEqual(context.CommandId, derived.CommandId);
        Assert.Equal(derived.CommandId, context.Derive("follow-up").CommandId);
    }

    [Fact]
    public async Task a_handler_that_sends_on_its_own_context_passes_on_its_id_correlation_and_time()
    {
        using var provider = Provider(b =>
        {
            b.Command<Forward>("test.forward");
            b.AddCommandHandler<Forward, ForwardHandler>();
        });
        var bus = provider.GetRequiredService<CommandBus>();
        var id = await OpenAsync(bus);

        var result = await bus.SendAsync(new Forward(id, 3), Accounts.As(Accounts.Customer));

        Assert.True(result.IsAccepted, result.ToString());
        var deposited = (await _store.ReadStreamAsync(StreamName.For("account", id), result.StreamVersion, ReadDirection.Forwards, 1)).Events.Single();
        Assert.Equal(_seen.Ids.Single(), deposited.Metadata.CausationId);
        Assert.Equal(_seen.Ids.Single(), deposited.Metadata.CorrelationId);
        Assert.Equal(_seen.Times.Single(), deposited.Metadata.Time);
    }

    private ServiceProvider Provider(Action<TesseraBuilder>? more = null) =>
        Accounts.Provider(_store, time: _clock, more: b =>
        {
            b.Services.AddSingleton(_seen);
            b.Services.AddSingleton(_clock);
            b.AddJson(RelayJsonContext.Default);
            b.AddJson(ForwardJsonContext.Default);
            b.Command<Relay>("test.relay");
            b.AddCommandHandler<Relay, RelayHandler>();
            more?.Invoke(b);
        });

    private static async Task<AccountId> OpenAsync(CommandBus bus)
    {
        var id = AccountId.New();
        Assert.True((await bus.SendAsync(new OpenAccount(id, "carl"), Accounts.As(Accounts.Customer))).IsAccepted);
        return id;
    }

    private sealed class Seen
    {
        public List<CommandContext> Contexts { get; } = [];

        public List<DateTimeOffset> Times { get; } = [];

        public List<Guid> Ids { get; } = [];
    }

    private sealed class RelayHandler(AggregateFactory factory, Seen seen, FakeTimeProvider clock) : ICommandHandler<Relay>
    {
        public ValueTask<CommandResult> HandleAsync(Relay command, CommandContext context)
        {
            seen.Contexts.Add(context);
            if (command.Read)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                seen.Times.Add(context.Time);
                seen.Ids.Add(context.CommandId);
                clock.Advance(TimeSpan.FromMinutes(1));
                seen.Times.Add(context.Time);
                seen.Ids.Add(context.CommandId);
            }
            return command.Amount > 0
                ? factory.ExecuteAsync<Account, Deposit>(new Deposit(command.Id, command.Amount), context)
                : ValueTask.FromResult(CommandResult.Accepted(default, default));
        }
    }

    /// <summary>Reads its context, advances the clock, then sends a deposit on the same context through the bus.</summary>
    private sealed class ForwardHandler(IServiceProvider services, Seen seen, FakeTimeProvider clock) : ICommandHandler<Forward>
    {
        public ValueTask<CommandResult> HandleAsync(Forward command, CommandContext context)
        {
            seen.Ids.Add(context.CommandId);
            seen.Times.Add(context.Time);
            clock.Advance(TimeSpan.FromMinutes(1));
            return services.GetRequiredService<CommandBus>().SendAsync(new Deposit(command.Id, command.Amount), context);
        }
    }

    private sealed class RecordingStep(Seen seen) : ICommandStep
    {
        public async ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
        {
            var result = await next(command, context);
            seen.Ids.Add(context.CommandId);
            seen.Times.Add(context.Time);
            return result;
        }
    }
}

/// <summary>Deposits through the factory when the amount is above zero; reads the context's time and id when asked to.</summary>
public sealed record Relay(AccountId Id, decimal Amount, bool Read) : ICommand<AccountId>;

[JsonSerializable(typeof(Relay))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;

/// <summary>Sends a deposit from inside its handler, on the handler's own context.</summary>
public sealed record Forward(AccountId Id, decimal Amount) : ICommand<AccountId>;

[JsonSerializable(typeof(Forward))]
internal sealed partial class ForwardJsonContext : JsonSerializerContext;

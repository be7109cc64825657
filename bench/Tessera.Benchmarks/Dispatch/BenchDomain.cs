using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Benchmarks.Dispatch;

[JsonConverter(typeof(IdentityJsonConverter<CounterId>))]
public readonly record struct CounterId(Guid Value) : IIdentity<CounterId>
{
    public static bool TryParse(string? value, out CounterId id)
    {
        var valid = Guid.TryParse(value, out var guid);
        id = new CounterId(guid);
        return valid;
    }

    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);
}

public sealed record StartCounter(CounterId Id) : Messages.ICommand<CounterId>;

public sealed record Increment(CounterId Id, int By) : Messages.ICommand<CounterId>;

/// <summary>Sent to a handler that does nothing, so the benchmark measures the bus and its steps.</summary>
public sealed record Touch(CounterId Id, int By) : Messages.ICommand<CounterId>;

public sealed record CounterStarted(CounterId Id) : IEvent<CounterId>;

public sealed record Incremented(CounterId Id, int By) : IEvent<CounterId>;

public sealed record CounterState
{
    public int Value { get; init; }

    public CounterState When(CounterStarted e) => this;

    public CounterState When(Incremented e) => this with { Value = Value + e.By };
}

public sealed class Counter : Aggregate<CounterId, CounterState>
{
    public void When(StartCounter c) => Raise(new CounterStarted(c.Id));

    public void When(Increment c) => Raise(new Incremented(c.Id, c.By));
}

public sealed class TouchHandler : ICommandHandler<Touch>
{
    public ValueTask<CommandResult> HandleAsync(Touch command, CommandContext context) => ValueTask.FromResult(CommandResult.Accepted(default, default));
}

[JsonSerializable(typeof(StartCounter))]
[JsonSerializable(typeof(Increment))]
[JsonSerializable(typeof(Touch))]
[JsonSerializable(typeof(CounterStarted))]
[JsonSerializable(typeof(Incremented))]
public sealed partial class BenchJsonContext : JsonSerializerContext;

public static class BenchApp
{
    public static readonly ClaimsPrincipal User =
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench"), new Claim(ClaimTypes.Role, "writer")], "bench"));

    /// <summary>Every built-in step has work to do: a role to check, a rule, a signature condition, an idempotency lookup.</summary>
    public static ServiceProvider Provider(IEventStore store)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddTessera(b =>
        {
            b.AddJson(BenchJsonContext.Default);
            b.Events.Add<CounterStarted>("bench.counter-started.v1").Add<Incremented>("bench.incremented.v1");
            b.Command<StartCounter>("bench.start-counter");
            b.Command<Increment>("bench.increment")
                .AllowRoles("writer")
                .Validate(Rule.For<Increment>("counter.step-not-positive", "Increment by at least 1.", c => c.By > 0))
                .RequireSignature(c => c.By > 1_000_000);
            b.Command<Touch>("bench.touch")
                .AllowRoles("writer")
                .Validate(Rule.For<Touch>("counter.step-not-positive", "Increment by at least 1.", c => c.By > 0))
                .RequireSignature(c => c.By > 1_000_000);
            b.AddAggregate<Counter, CounterState>("counter", a => a.Creates<StartCounter>().Handles<Increment>());
            b.AddCommandHandler<Touch, TouchHandler>();
            b.UseSignatureVerifier(new PasswordSignatureVerifier(new Dictionary<string, string>()));
        });
        return services.BuildServiceProvider();
    }
}

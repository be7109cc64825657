using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Serialization;
using Tessera.Storage;

namespace Tessera.Testing;

/// <summary>Given/When/Then tests of an application's aggregates: pure, no store, no mocks, usable from any test framework.</summary>
public static class AggregateScenario
{
    /// <summary>Builds a scenario for one aggregate from the application's configuration (for example <c>b => b.AddShop()</c>).</summary>
    public static AggregateScenario<TAggregate, TState> For<TAggregate, TState>(Action<TesseraBuilder> configure)
        where TAggregate : Aggregate<TState>, new()
        where TState : class, new()
    {
        var services = new ServiceCollection();
        services.AddTessera(b =>
        {
            configure(b);
            if (!b.Services.Any(s => s.ServiceType == typeof(IEventStore)))
            {
                b.UseInMemoryStore();
            }
        });
        var model = (TesseraModel)services.First(s => s.ServiceType == typeof(TesseraModel)).ImplementationInstance!;
        var compiled = model.Compile();
        var type = compiled.Aggregates.OfType<AggregateType<TAggregate, TState>>().SingleOrDefault()
            ?? throw new InvalidOperationException($"{typeof(TAggregate).Name} is not registered by the configuration given.");
        return new AggregateScenario<TAggregate, TState>(type, compiled);
    }
}

/// <summary>A scenario for one aggregate type; start each test with <see cref="Given"/>.</summary>
public sealed class AggregateScenario<TAggregate, TState>
    where TAggregate : Aggregate<TState>, new()
    where TState : class, new()
{
    private static readonly DateTimeOffset DefaultNow = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly AggregateType<TAggregate, TState> _type;
    private readonly CompiledModel _model;

    internal AggregateScenario(AggregateType<TAggregate, TState> type, CompiledModel model)
    {
        _type = type;
        _model = model;
    }

    /// <summary>The aggregate's history before the command; no events means a new aggregate.</summary>
    public History Given(params IEvent[] history) => new(this, history, DefaultNow);

    /// <summary>The history of a scenario, waiting for its command.</summary>
    public sealed class History
    {
        private readonly AggregateScenario<TAggregate, TState> _scenario;
        private readonly IEvent[] _history;
        private readonly DateTimeOffset _now;

        internal History(AggregateScenario<TAggregate, TState> scenario, IEvent[] history, DateTimeOffset now)
        {
            _scenario = scenario;
            _history = history;
            _now = now;
        }

        /// <summary>Runs the command at this time (the aggregate's <c>Now</c>).</summary>
        public History At(DateTimeOffset now) => new(_scenario, _history, now);

        /// <summary>Runs the command: rules on the command, the target check, rules on the state, then the aggregate.</summary>
        public Outcome When(ICommand command)
        {
            ArgumentNullException.ThrowIfNull(command);
            return _scenario.Run(_history, command, _now);
        }
    }

    /// <summary>What the command did; assert it with one of the <c>Then</c> methods.</summary>
    public sealed class Outcome
    {
        private readonly MessageSerializer _serializer;
        private readonly ICommand _command;

        internal Outcome(MessageSerializer serializer, ICommand command, CommandStatus status, IReadOnlyList<IEvent> events, IReadOnlyList<RuleViolation> violations, TState state)
        {
            _serializer = serializer;
            _command = command;
            Status = status;
            Events = events;
            Violations = violations;
            State = state;
        }

        /// <summary>How the command ended.</summary>
        public CommandStatus Status { get; }

        /// <summary>The events raised, after a round trip through their JSON form.</summary>
        public IReadOnlyList<IEvent> Events { get; }

        /// <summary>The violated rules, if validation failed.</summary>
        public IReadOnlyList<RuleViolation> Violations { get; }

        /// <summary>The state after the raised events.</summary>
        public TState State { get; }

        /// <summary>Asserts the command was accepted and raised exactly these events (compared by their JSON).</summary>
        public Outcome Then(params IEvent[] expected)
        {
            Expect(CommandStatus.Accepted);
            var want = string.Join("\n", expected.Select(Describe));
            var got = string.Join("\n", Events.Select(Describe));
            if (want != got)
            {
                throw new ScenarioException($"{_command.GetType().Name} raised other events than expected.\nExpected:\n{want}\nActual:\n{got}");
            }
            return this;
        }

        /// <summary>Asserts the command was accepted and raised nothing.</summary>
        public Outcome ThenNothing() => Then();

        /// <summary>Asserts validation failed with exactly these rule codes, in any order.</summary>
        public Outcome ThenViolates(params string[] codes)
        {
            Expect(CommandStatus.ValidationFailed);
            var want = codes.Order(StringComparer.Ordinal).ToArray();
            var got = Violations.Select(v => v.Code).Order(StringComparer.Ordinal).ToArray();
            if (!want.SequenceEqual(got))
            {
                throw new ScenarioException($"{_command.GetType().Name} violated [{string.Join(", ", got)}], expected [{string.Join(", ", want)}].");
            }
            return this;
        }

        /// <summary>Asserts the command ended with this status (NotFound, Conflict, ...).</summary>
        public Outcome ThenFails(CommandStatus status)
        {
            if (status == CommandStatus.Accepted)
            {
                throw new ArgumentException("Use Then(...) for an accepted command.", nameof(status));
            }
            Expect(status);
            return this;
        }

        private void Expect(CommandStatus status)
        {
            if (Status != status)
            {
                var detail = Status == CommandStatus.ValidationFailed ? $" ({string.Join(", ", Violations.Select(v => v.Code))})" : string.Empty;
                throw new ScenarioException($"{_command.GetType().Name} ended {Status}{detail}, expected {status}.");
            }
        }

        private string Describe(IEvent e) =>
            $"{_serializer.Registry.GetName(e.GetType())} {Encoding.UTF8.GetString(_serializer.Serialize(e))}";
    }

    private Outcome Run(IEvent[] history, ICommand command, DateTimeOffset now)
    {
        var serializer = _model.Serializer;
        var descriptor = _model.Commands.FirstOrDefault(c => c.CommandType == command.GetType());
        var id = _type.TargetOf(command);
        var state = new TState();
        var version = StreamVersion.None;
        foreach (var e in history)
        {
            state = _type.When.Apply(state, RoundTrip(serializer, e));
            version = version.Next;
        }
        List<RuleViolation>? violations = null;
        descriptor?.CheckRules(command, ref violations);
        if (violations is not null)
        {
            return new Outcome(serializer, command, CommandStatus.ValidationFailed, [], violations, state);
        }
        var decision = _type.Decide(id, state, version, command, now);
        var raised = decision.Events.Select(e => RoundTrip(serializer, e)).ToArray();
        return new Outcome(serializer, command, decision.Status, raised, decision.Violations ?? [], (TState?)decision.State ?? state);
    }

    private static IEvent RoundTrip(MessageSerializer serializer, IEvent e)
    {
        var name = serializer.Registry.GetName(e.GetType());
        return (IEvent)serializer.DeserializeEvent(name, serializer.Serialize(e));
    }
}

/// <summary>A Given/When/Then expectation did not hold; the message says what differed.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception with what differed.</summary>
    public ScenarioException(string message)
        : base(message)
    {
    }
}

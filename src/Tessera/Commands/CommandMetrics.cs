using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tessera.Commands;

/// <summary>
/// The write side's instruments, in the "Tessera" meter so OpenTelemetry can read them: commands by name and result,
/// command duration, and append latency. Each is checked for listeners first, so with none a dispatch pays nothing.
/// </summary>
public sealed class CommandMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Tessera";

    private readonly Counter<long> _commands;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _append;

    /// <summary>Creates the instruments from the host's meter factory, or on a meter of their own without one.</summary>
    public CommandMetrics(IMeterFactory? meters)
    {
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        Meter = meter;
        _commands = meter.CreateCounter<long>("tessera.commands", "{command}", "Commands handled, by command name and result.");
        _duration = meter.CreateHistogram<double>("tessera.command.duration", "ms", "Time from dispatch to result.");
        _append = meter.CreateHistogram<double>("tessera.append.duration", "ms", "Time an append takes to become durable.");
    }

    internal Meter Meter { get; }

    internal bool Timing => _duration.Enabled;

    /// <summary>True when anything listens to the command counter or the duration.</summary>
    internal bool Counting => _commands.Enabled || _duration.Enabled;

    internal bool TimingAppends => _append.Enabled;

    internal void Record(string command, CommandStatus status, long startedAt)
    {
        if (_commands.Enabled)
        {
            _commands.Add(1, new KeyValuePair<string, object?>("command", command), new KeyValuePair<string, object?>("result", status.ToString()));
        }
        if (startedAt != 0)
        {
            _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds, new KeyValuePair<string, object?>("command", command));
        }
    }

    internal void RecordAppend(long startedAt) => _append.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
}

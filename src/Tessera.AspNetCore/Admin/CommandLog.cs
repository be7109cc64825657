using Tessera.Commands;
using Tessera.Messages;

namespace Tessera.AspNetCore.Admin;

/// <summary>One command's outcome as the console shows it.</summary>
internal sealed record CommandLogEntry(DateTimeOffset Time, string Name, Guid CommandId, string? User, CommandStatus Status, long Position, string Detail);

/// <summary>
/// A pipeline step that keeps the last commands' outcomes for the console: a fixed-size ring (memory stays bounded
/// however many commands run) and a count per outcome since the host started.
/// </summary>
internal sealed class CommandLog(TimeProvider time) : ICommandStep
{
    public const int Capacity = 1_000;

    private readonly Lock _lock = new();
    private readonly CommandLogEntry[] _ring = new CommandLogEntry[Capacity];
    private readonly long[] _counts = new long[Enum.GetValues<CommandStatus>().Length];
    private long _written;

    public async ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
    {
        var result = await next(command, context);
        var detail = result.Status == CommandStatus.ValidationFailed
            ? string.Join(", ", result.Violations.Select(v => v.Code))
            : result.Reason ?? string.Empty;
        var entry = new CommandLogEntry(time.GetUtcNow(), context.CommandName, context.CommandId, context.UserName, result.Status, result.IsAccepted ? result.Position.Value : 0, detail);
        lock (_lock)
        {
            _ring[_written % Capacity] = entry;
            _written++;
            _counts[(int)result.Status]++;
        }
        return result;
    }

    /// <summary>The counts per outcome since start.</summary>
    public IReadOnlyDictionary<CommandStatus, long> Counts()
    {
        lock (_lock)
        {
            return Enum.GetValues<CommandStatus>().ToDictionary(s => s, s => _counts[(int)s]);
        }
    }

    /// <summary>The most recent entries, newest first, optionally of one outcome.</summary>
    public IReadOnlyList<CommandLogEntry> Recent(CommandStatus? outcome, int max)
    {
        var list = new List<CommandLogEntry>(Math.Min(max, Capacity));
        lock (_lock)
        {
            var kept = Math.Min(_written, Capacity);
            for (var i = 1; i <= kept && list.Count < max; i++)
            {
                var entry = _ring[(_written - i) % Capacity];
                if (outcome is null || entry.Status == outcome)
                {
                    list.Add(entry);
                }
            }
        }
        return list;
    }
}

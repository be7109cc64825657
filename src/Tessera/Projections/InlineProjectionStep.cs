using Microsoft.Extensions.Logging;
using Tessera.Commands;
using Tessera.Messages;

namespace Tessera.Projections;

/// <summary>
/// Holds a command's ack until every inline projection has applied the events it appended, so a client that gets the
/// ack reads them at once. The events are durable either way: a projection that fails or passes the bound is logged,
/// and the command still answers Accepted.
/// </summary>
internal sealed partial class InlineProjectionStep(ProjectionRunners runners, TesseraOptions options, TimeProvider time, ILogger<InlineProjectionStep> logger) : ICommandStep
{
    private readonly ProjectionRunner[] _inline = [.. runners.All.Where(r => r.Definition.Mode == ProjectionMode.Inline)];

    public async ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
    {
        var result = await next(command, context);
        if (!result.IsAccepted || _inline.Length == 0 || ConsistencyWait.Reached(_inline, result.Position))
        {
            return result;
        }
        if (await ConsistencyWait.WaitAsync(_inline, result.Position, options.ConsistencyWait, time, context.CancellationToken) is { } reached)
        {
            LogBehind(logger, context.CommandName, result.Position.Value, reached.Value);
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {Command} is acknowledged at position {Position} before its inline projections applied it (they reached {Reached})")]
    private static partial void LogBehind(ILogger logger, string command, long position, long reached);
}

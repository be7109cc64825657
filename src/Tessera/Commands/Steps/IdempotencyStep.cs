using Microsoft.Extensions.DependencyInjection;
using Tessera.Aggregates;
using Tessera.Messages;
using Tessera.Storage;

namespace Tessera.Commands.Steps;

/// <summary>
/// Answers a command id seen before with its first result and runs nothing. The answer comes from the store (the
/// command's first event has an id derived from the command id), so it holds across restarts and processes.
/// A rejected command changed nothing and is evaluated afresh. A command sent without an id gets a new one from the
/// bus and skips the lookup: only a caller that keeps its command id can retry.
/// </summary>
internal sealed class IdempotencyStep(CommandTarget target, IServiceProvider services)
{
    private readonly IEventStore _store = services.GetRequiredService<IEventStore>();

    /// <summary>True when the step has work: the sender chose the command id, so it may have run before.</summary>
    public static bool Applies(in CommandContext context) => context.HasChosenCommandId;

    public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
    {
        if (!Applies(context))
        {
            // The bus makes the id up: nothing can have been stored under it.
            return next(command, context);
        }
        Span<char> stream = stackalloc char[StreamName.MaxLength];
        var length = target.FormatStream(command, stream);
        var firstEventId = EventIds.Derive(context.CommandId, stream[..length], 0);
        var earlier = AcceptedCommands.FindAsync(_store, firstEventId, context.CommandId, context.CancellationToken);
        if (earlier.IsCompletedSuccessfully)
        {
            return earlier.Result is { } first ? ValueTask.FromResult(first) : next(command, context);
        }
        return AwaitAsync(earlier, command, context, next);
    }

    private static async ValueTask<CommandResult> AwaitAsync(ValueTask<CommandResult?> earlier, ICommand command, CommandContext context, CommandDelegate next) =>
        await earlier is { } first ? first : await next(command, context);
}

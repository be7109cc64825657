using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>The rest of a command's pipeline, from the next step to the handler.</summary>
public delegate ValueTask<CommandResult> CommandDelegate(ICommand command, CommandContext context);

/// <summary>A pipeline step: stops the command with a result, or calls <c>next</c>.</summary>
public interface ICommandStep
{
    /// <summary>Runs the step for one command.</summary>
    ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next);
}

/// <summary>The built-in stages of every command's pipeline, in order; a custom step goes before one of them.</summary>
public enum CommandStage
{
    /// <summary>Who may send which command.</summary>
    Authorization,

    /// <summary>Business rules on the command itself.</summary>
    Validation,

    /// <summary>Electronic signature, where required.</summary>
    Signature,

    /// <summary>A command id seen before gets the first result.</summary>
    Idempotency,

    /// <summary>The handler.</summary>
    Execution,
}

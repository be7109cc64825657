using Tessera.Commands.Steps;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>One link of a command type's pipeline, composed once when the bus is built.</summary>
internal abstract class PipelineNode
{
    // The context goes by reference between our own links; a step or handler of the application's own gets its copy.
    public abstract ValueTask<CommandResult> RunAsync(ICommand command, in CommandContext context);
}

/// <summary>A step of the application's own; its <c>next</c> is a delegate made once, so a dispatch allocates no closure.</summary>
internal sealed class CustomStepNode(ICommandStep step, PipelineNode next) : PipelineNode
{
    private readonly CommandDelegate _next = (command, context) => next.RunAsync(command, in context);

    public override ValueTask<CommandResult> RunAsync(ICommand command, in CommandContext context) => step.InvokeAsync(command, context, _next);
}

/// <summary>The command's one handler, at the end of the pipeline.</summary>
internal sealed class HandlerNode<TCommand>(ICommandHandler<TCommand> handler) : PipelineNode
    where TCommand : class, ICommand
{
    public ICommandHandler<TCommand> Handler { get; } = handler;

    public override ValueTask<CommandResult> RunAsync(ICommand command, in CommandContext context) => Handler.HandleAsync((TCommand)command, context);
}

/// <summary>
/// The built-in steps between two custom steps (or the ends), folded into one link: authorization, rule validation,
/// signature and idempotency run in this order, each only where it has work for this command type (no rules, no
/// validation; no signature requirement, no signature check; no target stream, no idempotency lookup), then
/// <c>next</c>. The two steps that may wait for I/O continue through delegates made once.
/// </summary>
internal sealed class BuiltInStepsNode<TCommand> : PipelineNode
    where TCommand : class, ICommand
{
    private readonly AuthorizationStep<TCommand>? _authorization;
    private readonly RuleValidationStep<TCommand>? _validation;
    private readonly SignatureStep<TCommand>? _signature;
    private readonly IdempotencyStep? _idempotency;
    private readonly PipelineNode _next;
    private readonly ICommandHandler<TCommand>? _handler;
    private readonly CommandDelegate _afterSignature;
    private readonly CommandDelegate _afterIdempotency;

    public BuiltInStepsNode(AuthorizationStep<TCommand>? authorization, RuleValidationStep<TCommand>? validation, SignatureStep<TCommand>? signature, IdempotencyStep? idempotency, PipelineNode next)
    {
        (_authorization, _validation, _signature, _idempotency, _next) = (authorization, validation, signature, idempotency, next);
        // The last link calls the handler itself: one call less per dispatch.
        _handler = (next as HandlerNode<TCommand>)?.Handler;
        _afterSignature = (command, context) => AfterSignatureAsync(command, in context);
        _afterIdempotency = (command, context) => next.RunAsync(command, in context);
    }

    /// <summary>True when the link has no step at all for this command type (it is then left out).</summary>
    public bool IsEmpty => _authorization is null && _validation is null && _signature is null && _idempotency is null;

    public override ValueTask<CommandResult> RunAsync(ICommand command, in CommandContext context)
    {
        var typed = (TCommand)command;
        if (_authorization is not null && !_authorization.Allows(typed, context.User, out var refusal))
        {
            return ValueTask.FromResult(refusal);
        }
        if (_validation is not null && !_validation.Passes(typed, out var failed))
        {
            return ValueTask.FromResult(failed);
        }
        if (_signature is not null && _signature.AppliesTo(typed))
        {
            return _signature.VerifyAsync(command, context, _afterSignature);
        }
        return AfterSignatureAsync(command, in context);
    }

    private ValueTask<CommandResult> AfterSignatureAsync(ICommand command, in CommandContext context) =>
        _idempotency is not null && IdempotencyStep.Applies(context)
            ? _idempotency.InvokeAsync(command, context, _afterIdempotency)
            : _handler is not null ? _handler.HandleAsync((TCommand)command, context) : _next.RunAsync(command, in context);
}

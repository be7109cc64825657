using Mediator;

namespace Tessera.Benchmarks.Dispatch;

/// <summary>The same no-op command through martinothamar/Mediator with two pipeline behaviours (an authorization and a validation check).</summary>
public sealed record MediatorTouch(Guid Id, int By) : Mediator.ICommand<MediatorResult>;

public readonly record struct MediatorResult(bool Accepted);

public sealed class MediatorTouchHandler : Mediator.ICommandHandler<MediatorTouch, MediatorResult>
{
    public ValueTask<MediatorResult> Handle(MediatorTouch command, CancellationToken cancellationToken) => ValueTask.FromResult(new MediatorResult(true));
}

public sealed class AuthorizationBehavior : IPipelineBehavior<MediatorTouch, MediatorResult>
{
    public ValueTask<MediatorResult> Handle(MediatorTouch message, MessageHandlerDelegate<MediatorTouch, MediatorResult> next, CancellationToken cancellationToken) =>
        BenchApp.User.IsInRole("writer") ? next(message, cancellationToken) : ValueTask.FromResult(new MediatorResult(false));
}

public sealed class ValidationBehavior : IPipelineBehavior<MediatorTouch, MediatorResult>
{
    public ValueTask<MediatorResult> Handle(MediatorTouch message, MessageHandlerDelegate<MediatorTouch, MediatorResult> next, CancellationToken cancellationToken) =>
        message.By > 0 ? next(message, cancellationToken) : ValueTask.FromResult(new MediatorResult(false));
}

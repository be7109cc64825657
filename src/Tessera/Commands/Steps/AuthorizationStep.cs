using System.Security.Claims;
using Tessera.Messages;

namespace Tessera.Commands.Steps;

/// <summary>Stops a command whose sender is not authenticated, lacks the declared roles, or fails a declared condition.</summary>
internal sealed class AuthorizationStep<TCommand> : ICommandStep
    where TCommand : class, ICommand
{
    private readonly string[] _roles;
    private readonly Func<ClaimsPrincipal, TCommand, bool>[] _permissions;
    private readonly string _rolesMissing;
    private readonly string _notPermitted;

    public AuthorizationStep(CommandDescriptor<TCommand> descriptor)
    {
        _roles = [.. descriptor.Roles];
        _permissions = [.. descriptor.Permissions];
        _rolesMissing = $"{descriptor.Name} may be sent only by a user in one of the roles: {string.Join(", ", _roles)}.";
        _notPermitted = $"The sender may not send {descriptor.Name}.";
    }

    public ValueTask<CommandResult> InvokeAsync(ICommand command, CommandContext context, CommandDelegate next)
    {
        var user = context.User;
        if (user?.Identity?.IsAuthenticated != true)
        {
            return ValueTask.FromResult(CommandResult.Unauthorized("The sender is not authenticated."));
        }
        if (_roles.Length > 0 && !InAnyRole(user))
        {
            return ValueTask.FromResult(CommandResult.Forbidden(_rolesMissing));
        }
        var typed = (TCommand)command;
        foreach (var permission in _permissions)
        {
            if (!permission(user, typed))
            {
                return ValueTask.FromResult(CommandResult.Forbidden(_notPermitted));
            }
        }
        return next(command, context);
    }

    private bool InAnyRole(ClaimsPrincipal user)
    {
        foreach (var role in _roles)
        {
            if (user.IsInRole(role))
            {
                return true;
            }
        }
        return false;
    }
}

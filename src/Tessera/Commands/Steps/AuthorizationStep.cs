using System.Security.Claims;
using Tessera.Messages;

namespace Tessera.Commands.Steps;

/// <summary>Stops a command whose sender is not authenticated, lacks the declared roles, or fails a declared condition.</summary>
internal sealed class AuthorizationStep<TCommand>
    where TCommand : class, ICommand
{
    private static readonly CommandResult NotAuthenticated = CommandResult.Unauthorized("The sender is not authenticated.");
    private readonly string[] _roles;
    private readonly Func<ClaimsPrincipal, TCommand, bool>[] _permissions;
    private readonly CommandResult _rolesMissing;
    private readonly CommandResult _notPermitted;

    public AuthorizationStep(CommandDescriptor<TCommand> descriptor)
    {
        _roles = [.. descriptor.Roles];
        _permissions = [.. descriptor.Permissions];
        _rolesMissing = CommandResult.Forbidden($"{descriptor.Name} may be sent only by a user in one of the roles: {string.Join(", ", _roles)}.");
        _notPermitted = CommandResult.Forbidden($"The sender may not send {descriptor.Name}.");
    }

    /// <summary>True when the sender may send the command; otherwise <paramref name="refusal"/> says why not.</summary>
    public bool Allows(TCommand command, ClaimsPrincipal? user, out CommandResult refusal)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            refusal = NotAuthenticated;
            return false;
        }
        if (_roles.Length > 0 && !InAnyRole(user))
        {
            refusal = _rolesMissing;
            return false;
        }
        foreach (var permission in _permissions)
        {
            if (!permission(user, command))
            {
                refusal = _notPermitted;
                return false;
            }
        }
        refusal = default;
        return true;
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

using System.Security.Claims;
using Tessera.Aggregates;
using Tessera.Messages;

namespace Tessera.Commands;

/// <summary>Declares what a command needs besides its handler: rules on the command, who may send it, and whether it must be signed.</summary>
public sealed class CommandBuilder<TCommand>
    where TCommand : class, ICommand
{
    private readonly CommandDescriptor<TCommand> _descriptor;

    internal CommandBuilder(CommandDescriptor<TCommand> descriptor) => _descriptor = descriptor;

    /// <summary>Adds rules on the command alone; every violated one is reported before any I/O.</summary>
    public CommandBuilder<TCommand> Validate(params Rule<TCommand>[] rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var rule in rules)
        {
            _descriptor.Rules.Add(rule ?? throw new ArgumentException($"A rule for {typeof(TCommand).Name} is null.", nameof(rules)));
        }
        return this;
    }

    /// <summary>Allows only senders in one of these roles (or with one of these scopes).</summary>
    public CommandBuilder<TCommand> AllowRoles(params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        _descriptor.Roles.AddRange(roles);
        return this;
    }

    /// <summary>Adds a condition the sender and command must meet; every condition must hold.</summary>
    public CommandBuilder<TCommand> Authorize(Func<ClaimsPrincipal, TCommand, bool> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _descriptor.Permissions.Add(allowed);
        return this;
    }

    /// <summary>Requires an electronic signature, always or when <paramref name="when"/> holds, with one of the given meanings if any are given.</summary>
    public CommandBuilder<TCommand> RequireSignature(Func<TCommand, bool>? when = null, params string[] meanings)
    {
        ArgumentNullException.ThrowIfNull(meanings);
        _descriptor.SignatureWhen = when ?? (static _ => true);
        _descriptor.SignatureMeanings.AddRange(meanings);
        return this;
    }
}

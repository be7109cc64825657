using Tessera.Messages;
using Tessera.Storage;

namespace Tessera.Commands;

/// <summary>Writes the stream a command targets without boxing its id; built once per command type.</summary>
internal abstract class CommandTarget(string category)
{
    public string Category { get; } = category;

    public abstract int FormatStream(ICommand command, Span<char> destination);
}

internal sealed class CommandTarget<TCommand, TId>(string category) : CommandTarget(category)
    where TCommand : class, ICommand<TId>
    where TId : struct, IIdentity
{
    public override int FormatStream(ICommand command, Span<char> destination) =>
        StreamName.Format(Category, ((TCommand)command).Id, destination);
}

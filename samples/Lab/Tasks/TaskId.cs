using System.Text.Json.Serialization;
using Tessera.Messages;
using Tessera.Serialization;

namespace Lab.Tasks;

/// <summary>The id of a lab task.</summary>
[JsonConverter(typeof(IdentityJsonConverter<TaskId>))]
public readonly record struct TaskId(Guid Value) : IIdentity<TaskId>
{
    /// <summary>A new, time-ordered id.</summary>
    public static TaskId New() => new(Guid.CreateVersion7());

    /// <summary>Reads the id from its string form.</summary>
    public static bool TryParse(string? value, out TaskId id)
    {
        var valid = Guid.TryParse(value, out var guid) && guid != Guid.Empty;
        id = new TaskId(guid);
        return valid;
    }

    /// <summary>Writes the id's string form.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => Value.TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

namespace Tessera.Projections;

/// <summary>A registered projection, checked at start-up: its instance, mode, compiled handlers and schema.</summary>
internal sealed record ProjectionDefinition(string Name, Type ProjectionType, ProjectionMode Mode, IProjection Instance, ProjectionHandlers Handlers)
{
    /// <summary>The DDL of a SQL projection, empty for an in-memory one.</summary>
    public string Schema => Instance is ISqlProjection sql ? sql.Schema : string.Empty;

    /// <summary>True for a name that can serve as a file or table name: lower-case letters, digits, '.', '-' and '_'.</summary>
    public static bool IsValidName(string name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 100 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_');
}

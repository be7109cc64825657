namespace Tessera;

/// <summary>Settings of the core.</summary>
public sealed class TesseraOptions
{
    /// <summary>How many times a command is reloaded and run again after a version conflict before it answers Conflict.</summary>
    public int ConflictRetries { get; set; } = 3;
}

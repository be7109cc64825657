namespace Tessera;

/// <summary>The application's Tessera configuration is wrong; the message lists every problem found at start-up.</summary>
public sealed class TesseraConfigurationException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public TesseraConfigurationException(IReadOnlyList<string> problems)
        : base($"Tessera cannot start; {problems.Count} problem(s):{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", problems)}") =>
        Problems = problems;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }
}

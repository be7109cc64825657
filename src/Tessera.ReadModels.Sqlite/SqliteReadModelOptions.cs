namespace Tessera.ReadModels.Sqlite;

/// <summary>Settings of the SQLite read models.</summary>
public sealed class SqliteReadModelOptions
{
    /// <summary>The folder that holds one database file per projection (and per rebuild while it runs), plus the catalog.</summary>
    public string DataFolder { get; set; } = Path.Combine(".tessera-data", "read-models");

    /// <summary>Throws a clear exception on settings that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataFolder))
        {
            throw new ArgumentException("SqliteReadModelOptions.DataFolder must name a folder.", nameof(DataFolder));
        }
    }
}

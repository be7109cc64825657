using Microsoft.Data.Sqlite;
using Tessera.Storage;

namespace Tessera.ReadModels.Sqlite;

/// <summary>
/// Reads the serving generation and checkpoint of every projection in a read-model folder through read-only
/// connections, so it is safe beside the host that writes the folder (WAL readers never block its writer).
/// </summary>
internal static class SqliteCheckpoints
{
    /// <summary>The file that says which generation of each projection serves.</summary>
    public const string CatalogFile = "catalog.db";

    /// <summary>The file of one generation of a projection.</summary>
    public static string FileName(string projection, int generation) => $"{projection}.g{generation}.db";

    public static IReadOnlyList<StoredCheckpoint> Read(string folder)
    {
        var catalogPath = Path.Combine(folder, CatalogFile);
        if (!File.Exists(catalogPath))
        {
            throw new IOException($"There is no read-model catalog ({CatalogFile}) in {folder}: give the folder a host uses for its read models (Tessera:ReadModels:DataFolder).");
        }
        var serving = new List<(string Projection, int Generation)>();
        using (var catalog = OpenReadOnly(catalogPath))
        using (var command = catalog.CreateCommand())
        {
            command.CommandText = "SELECT projection, generation FROM serving ORDER BY projection";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                serving.Add((reader.GetString(0), reader.GetInt32(1)));
            }
        }
        var checkpoints = new List<StoredCheckpoint>(serving.Count);
        foreach (var (projection, generation) in serving)
        {
            var file = Path.Combine(folder, FileName(projection, generation));
            if (!File.Exists(file))
            {
                throw new IOException($"The catalog names generation {generation} of {projection}, but {file} is missing.");
            }
            using var connection = OpenReadOnly(file);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT position FROM tessera_checkpoint WHERE id = 1";
            var position = command.ExecuteScalar() is long value ? value : 0;
            checkpoints.Add(new StoredCheckpoint(projection, generation, new GlobalPosition(position)));
        }
        return checkpoints;
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}

/// <summary>A projection's serving generation and the checkpoint stored with its tables.</summary>
internal sealed record StoredCheckpoint(string Projection, int Generation, GlobalPosition Checkpoint);

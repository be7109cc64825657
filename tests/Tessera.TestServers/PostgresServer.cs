using System.Globalization;

namespace Tessera.TestServers;

/// <summary>
/// A throwaway PostgreSQL 15 cluster: initdb and pg_ctl into a temporary folder, a free port on 127.0.0.1 only,
/// default durability (fsync and synchronous_commit on); stopped and deleted on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    internal const string BinFolder = "/usr/lib/postgresql/15/bin";
    internal const string PgCtl = BinFolder + "/pg_ctl";
    internal const string DataFolderName = "data";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private PostgresServer(string folder, string dataFolder, int port)
    {
        Folder = folder;
        DataFolder = dataFolder;
        Port = port;
    }

    /// <summary>The server's own temporary folder (data folder, log, socket).</summary>
    public string Folder { get; }

    /// <summary>The cluster's data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>A connection string to the database <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50";

    /// <summary>True when the PostgreSQL 15 binaries are installed.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(BinFolder, "initdb")) && File.Exists(PgCtl);

    /// <summary>Creates and starts a new cluster; <paramref name="settings"/> are extra postgres -c settings.</summary>
    public static async Task<PostgresServer> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinFolder}/initdb is missing); ./test.sh installs it with apt-get (package postgresql).");
        }
        var folder = ServerProcess.NewFolder("pg");
        try
        {
            var data = Path.Combine(folder, DataFolderName);
            // Tests run as root; PostgreSQL refuses to, so the cluster belongs to the postgres user.
            await ServerProcess.RunAsync("chown", ["-R", "postgres:postgres", folder], CommandTimeout);
            await AsPostgresAsync(Path.Combine(BinFolder, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
            var server = await StartClusterAsync(folder, data, settings);
            return server;
        }
        catch
        {
            ServerProcess.DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>Starts another server on an existing data folder (a replica made by pg_basebackup, for instance).</summary>
    public static async Task<PostgresServer> StartExistingAsync(string folder, string dataFolder, IReadOnlyDictionary<string, string>? settings = null)
    {
        await ServerProcess.RunAsync("chown", ["-R", "postgres:postgres", folder], CommandTimeout);
        return await StartClusterAsync(folder, dataFolder, settings);
    }

    /// <summary>Runs a program of the PostgreSQL installation as the postgres user and returns its output.</summary>
    public static Task<string> AsPostgresAsync(string program, params string[] arguments) =>
        ServerProcess.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], CommandTimeout);

    /// <summary>Makes a fresh folder for another cluster (owned by this process, deleted by <see cref="DeleteFolder"/>).</summary>
    public static string NewFolder() => ServerProcess.NewFolder("pg");

    /// <summary>Deletes a folder made by <see cref="NewFolder"/>.</summary>
    public static void DeleteFolder(string folder) => ServerProcess.DeleteFolder(folder);

    /// <summary>Stops the server (fast shutdown) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            ServerProcess.DeleteFolder(Folder);
        }
    }

    /// <summary>Stops the server, keeping its files.</summary>
    public async Task StopAsync()
    {
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await AsPostgresAsync(PgCtl, "stop", "-D", DataFolder, "-m", "fast", "-w");
        }
    }

    private static async Task<PostgresServer> StartClusterAsync(string folder, string data, IReadOnlyDictionary<string, string>? settings)
    {
        var options = new Dictionary<string, string>
        {
            ["listen_addresses"] = "127.0.0.1",
            ["unix_socket_directories"] = folder,
            ["fsync"] = "on",
            ["synchronous_commit"] = "on",
            ["max_connections"] = "300",
            ["shared_buffers"] = "128MB",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            options[key] = value;
        }
        var log = Path.Combine(folder, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            var port = ServerProcess.FreeLoopbackPort();
            var flags = string.Join(' ', options.Select(o => $"-c {o.Key}={o.Value}").Prepend($"-p {port.ToString(CultureInfo.InvariantCulture)}"));
            try
            {
                await AsPostgresAsync(PgCtl, "start", "-D", data, "-l", log, "-w", "-t", "60", "-o", flags);
                return new PostgresServer(folder, data, port);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken between finding it free and binding it; try another.
            }
        }
    }
}

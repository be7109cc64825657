using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tessera.TestServers;

/// <summary>Runs installed programs, finds free loopback ports and makes the temporary folders servers live in.</summary>
internal static class ServerProcess
{
    /// <summary>Where every throwaway server keeps its files, one folder each.</summary>
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "tessera-servers");

    /// <summary>The name of the file that records which test process owns a server folder.</summary>
    public const string OwnerFile = "owner.pid";

    /// <summary>A port nothing listens on right now; the server is started on it at once (a retry covers the rare race).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Makes a new server folder owned by this process, after cleaning up folders whose owner died.</summary>
    public static string NewFolder(string kind)
    {
        CleanOrphans();
        var folder = Path.Combine(Root, $"{kind}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return folder;
    }

    /// <summary>Runs a program to its end and returns its output, throwing with the output if it failed.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}.");
        }
        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', info.ArgumentList)} failed with exit code {process.ExitCode}: {text}");
        }
        return text;
    }

    /// <summary>Deletes a folder and everything in it, if it is there.</summary>
    public static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CleanOrphans()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }
        foreach (var folder in Directory.GetDirectories(Root))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
            {
                continue;
            }
            try
            {
                StopOrphan(folder);
                DeleteFolder(folder);
            }
            catch (IOException)
            {
                // Another test process may be cleaning the same folder; it is left to the next start.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
            catch (InvalidOperationException)
            {
                // The server had already stopped (a stale pid file); the folder goes on the next start.
            }
        }
    }

    private static void StopOrphan(string folder)
    {
        // A test process that was killed left its server running: stop it the fast way, it is throwaway.
        if (File.Exists(Path.Combine(folder, PostgresServer.DataFolderName, "postmaster.pid")))
        {
            RunAsync("runuser", ["-u", "postgres", "--", PostgresServer.PgCtl, "stop", "-m", "immediate", "-D", Path.Combine(folder, PostgresServer.DataFolderName)], TimeSpan.FromSeconds(30))
                .GetAwaiter().GetResult();
        }
        var natsPid = Path.Combine(folder, NatsServer.PidFileName);
        if (File.Exists(natsPid) && int.TryParse(File.ReadAllText(natsPid).Trim(), CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

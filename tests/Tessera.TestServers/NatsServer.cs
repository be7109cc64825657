using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Tessera.TestServers;

/// <summary>
/// A throwaway nats-server with JetStream (-js): a temporary store folder and a free port on 127.0.0.1 only.
/// It can be killed and started again on the same port and store; disposing stops it and deletes the folder.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    internal const string PidFileName = "nats.pid";
    private Process? _process;

    private NatsServer(string folder, int port)
    {
        Folder = folder;
        Port = port;
    }

    /// <summary>The server's temporary folder; JetStream keeps its files under <c>store</c>.</summary>
    public string Folder { get; }

    /// <summary>The JetStream store folder.</summary>
    public string StoreFolder => Path.Combine(Folder, "store");

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>The URL clients connect to.</summary>
    public string Url => $"nats://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>True when the server process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>True when nats-server is installed.</summary>
    public static bool IsInstalled => FindProgram() is not null;

    /// <summary>Starts a new server with an empty JetStream store.</summary>
    public static async Task<NatsServer> StartAsync()
    {
        var folder = ServerProcess.NewFolder("nats");
        for (var attempt = 1; ; attempt++)
        {
            var server = new NatsServer(folder, ServerProcess.FreeLoopbackPort());
            try
            {
                await server.StartAgainAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken in the meantime; try another.
            }
            catch
            {
                ServerProcess.DeleteFolder(folder);
                throw;
            }
        }
    }

    /// <summary>Starts the server again on the same port and store after <see cref="Kill"/> or <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The NATS server is already running.");
        }
        var program = FindProgram() ?? throw new InvalidOperationException("nats-server is not installed; ./test.sh installs it with apt-get (package nats-server).");
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-js", "-a", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-sd", StoreFolder, "-P", Path.Combine(Folder, PidFileName), "-l", Path.Combine(Folder, "server.log")])
        {
            info.ArgumentList.Add(argument);
        }
        _process?.Dispose();
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start nats-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Stops the server cleanly (SIGTERM is what nats-server takes as a shutdown request; Kill here is a last resort).</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        await ServerProcess.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process?.Dispose();
            ServerProcess.DeleteFolder(Folder);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        // Ready when the server accepts a connection and greets with INFO (JetStream is up by then).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"nats-server exited at start: {ReadLog()}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                using var reader = new StreamReader(client.GetStream());
                var line = await reader.ReadLineAsync();
                if (line is not null && line.StartsWith("INFO", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(20);
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(Folder, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    private static readonly string[] Locations = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];

    private static string? FindProgram() => Locations.FirstOrDefault(File.Exists);
}

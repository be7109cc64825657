using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.AspNetCore.Security;

namespace Tessera.AspNetCore.Tests;

/// <summary>Starts Shop.Host as a real process on a free loopback port, with one write+read test key, and waits until it is ready.</summary>
internal static class ShopHostProcess
{
    /// <summary>
    /// Starts the host with <paramref name="settings"/> (environment variables) over the common ones, hands the process
    /// to <paramref name="started"/> at once (so the caller can kill it even when it never becomes ready), then waits for
    /// <c>/health/ready</c>; a host that exits or stays unready fails with its log.
    /// </summary>
    public static async Task<Uri> StartAsync(HttpClient http, string key, string name, IReadOnlyDictionary<string, string> settings, Action<Process, Uri> started, int attempts = 600)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString());
        var common = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Tessera__Api__Keys__0__Name"] = "test",
            ["Tessera__Api__Keys__0__Hash"] = ApiKeyRing.Hash(key),
            ["Tessera__Api__Keys__0__User"] = "sam",
            ["Tessera__Api__Keys__0__Scopes__0"] = "write",
            ["Tessera__Api__Keys__0__Scopes__1"] = "read",
            ["Tessera__Api__Keys__0__Roles__0"] = "staff",
        };
        foreach (var (setting, value) in common.Concat(settings))
        {
            start.Environment[setting] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        started(process, url);
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < attempts && !process.HasExited; i++)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri(url, "/health/ready"));
                if (ready.IsSuccessStatusCode)
                {
                    return url;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        lock (log)
        {
            throw new InvalidOperationException($"The host '{name}' did not become ready:\n{log}");
        }
    }

    /// <summary>The Shop host built beside the test assembly, in the same configuration.</summary>
    public static string HostDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "Shop.Host.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Shop.Host.runtimeconfig.json")))
        {
            return local;
        }
        throw new FileNotFoundException("Shop.Host.dll with its runtimeconfig is not beside the test assembly.", local);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using Tessera.Commands;
using Xunit;

namespace Shop.Web.Tests;

/// <summary>
/// The real Shop host (its own process, all roles) on a free loopback port with a temp data folder, a seeded catalog,
/// and Debian's Chromium driven headless by Playwright with no browser download.
/// </summary>
public class ShopSite : IAsyncLifetime
{
    public const string AdminKey = "tsk_web_admin_key";
    public const string ReaderKey = "tsk_web_reader_key";
    public const string PartnerKey = "tsk_web_partner_key";
    public const string AlicePassword = "alice-signs-here";
    public const string ProductName = "Field notebook";
    public const decimal ProductPrice = 60m;

    private static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "tessera-web-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _hostOutput = new();
    private Process? _host;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public string CategoryName { get; } = "Stationery " + Guid.NewGuid().ToString("N")[..6];

    /// <summary>Where the screenshots of the main pages go: under the test output folder.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string HostOutput
    {
        get
        {
            lock (_hostOutput)
            {
                return _hostOutput.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http.BaseAddress = BaseAddress;
        await PrepareStoreAsync(_dataFolder);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shop.Host.dll"));
        foreach (var argument in HostArguments(port))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _host = Process.Start(start) ?? throw new InvalidOperationException("The Shop host did not start.");
        _host.OutputDataReceived += (_, e) => Keep(e.Data);
        _host.ErrorDataReceived += (_, e) => Keep(e.Data);
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        await WaitUntilLiveAsync();
        await SeedCatalogAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ChromiumArguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        Http.Dispose();
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }
        _host?.Dispose();
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    /// <summary>Runs before the host starts, with the store folder it will open: a subclass may put events there first.</summary>
    protected virtual Task PrepareStoreAsync(string dataFolder) => Task.CompletedTask;

    /// <summary>How long a page may take to load or an element to appear (Playwright's default is 30 s).</summary>
    public const float BusyMachineTimeout = 120_000;

    /// <summary>A fresh browser context (its own cookies) with a page signed in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignedInPageAsync(string key)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // CI runs the test projects side by side on two cores: give pages time to load rather than fail on a busy machine.
        context.SetDefaultTimeout(BusyMachineTimeout);
        context.SetDefaultNavigationTimeout(BusyMachineTimeout);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.FillAsync("#key", key);
        await page.ClickAsync("button[type=submit]");
        // Wait until the redirect has left the sign-in page, by its address only. Not WaitForURLAsync: when the address
        // already matches it waits for the load state "commit", which is no load state, and a CI run hung there 120 s on
        // a page that had gone network-idle. Every caller goes on with a navigation or an auto-waiting check.
        var deadline = DateTime.UtcNow.AddMilliseconds(BusyMachineTimeout);
        while (page.Url.Contains("/sign-in", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Signing in did not leave {page.Url} within {BusyMachineTimeout / 1000} s.");
            }
            await Task.Delay(20);
        }
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    private IEnumerable<string> HostArguments(int port)
    {
        string[] settings =
        [
            $"--urls=http://127.0.0.1:{port}",
            "--Tessera:Role=all",
            $"--Tessera:EmbeddedStore:DataFolder={_dataFolder}",
            // The read models live beside the fresh store, so no checkpoint of an earlier run's store is taken for this one.
            $"--Tessera:ReadModels:DataFolder={Path.Combine(_dataFolder, "read-models")}",
            "--Tessera:Api:RequestsPerSecondPerKey=100000",
            $"--Tessera:Signers:alice={PasswordSignatureVerifier.HashPassword(AlicePassword, 1_000)}",
            "--Shop:RefundSignatureLimit=100",
            "--Logging:LogLevel:Default=Warning",
        ];
        return [.. settings, .. Key(0, "admin", AdminKey, "alice", ["write", "read", "admin"], ["customer", "staff"]),
            .. Key(1, "reader", ReaderKey, "rita", ["read"], ["staff"]),
            .. Key(2, "partner", PartnerKey, "acme", ["partner"], ["partner"])];
    }

    private static IEnumerable<string> Key(int index, string name, string key, string user, string[] scopes, string[] roles)
    {
        var prefix = $"--Tessera:Api:Keys:{index}:";
        yield return $"{prefix}Name={name}";
        yield return $"{prefix}Hash=sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
        yield return $"{prefix}User={user}";
        for (var i = 0; i < scopes.Length; i++)
        {
            yield return $"{prefix}Scopes:{i}={scopes[i]}";
        }
        for (var i = 0; i < roles.Length; i++)
        {
            yield return $"{prefix}Roles:{i}={roles[i]}";
        }
    }

    private async Task WaitUntilLiveAsync()
    {
        // The host answers once Kestrel listens; until then the connection is refused.
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_host!.HasExited)
            {
                throw new InvalidOperationException($"The Shop host exited with {_host.ExitCode}:\n{HostOutput}");
            }
            try
            {
                using var response = await Http.GetAsync(new Uri("/health/live", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The Shop host did not answer /health/live:\n{HostOutput}");
    }

    private async Task SeedCatalogAsync()
    {
        var category = Guid.CreateVersion7();
        await SendAsync("shop.add-category", new { id = category, name = CategoryName });
        await SendAsync("shop.add-product", new { id = Guid.CreateVersion7(), categoryId = category, name = ProductName, price = ProductPrice });
    }

    private async Task SendAsync(string command, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/commands/{command}", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{command}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_hostOutput)
            {
                _hostOutput.AppendLine(line);
            }
        }
    }

    private static string ChromiumPath()
    {
        const string path = "/usr/bin/chromium";
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: install Debian's chromium package (./test.sh does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ShopSiteCollection : ICollectionFixture<ShopSite>
{
    public const string Name = "shop site";
}

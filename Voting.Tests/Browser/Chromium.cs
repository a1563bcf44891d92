using System.Diagnostics;
using Microsoft.Playwright;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright: one browser per test class, never a downloaded one
/// (no <c>playwright install</c>). Debian updates Chromium on its own, so the versions are logged.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "xunit hands class fixtures to public test classes, so the fixture is public too.")]
public class Chromium : IAsyncLifetime
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string Versions { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VOTING_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = Flags,
        });
        // The package's assembly version is 1.0.0.0; its file version carries the release.
        var playwrightVersion = FileVersionInfo.GetVersionInfo(typeof(IPlaywright).Assembly.Location).FileVersion?.Split('+')[0];
        Versions = $"Chromium {Browser.Version}, Microsoft.Playwright {playwrightVersion}";
        Directory.CreateDirectory(TestEnvironment.Artifacts);
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.Artifacts, "browser-versions.txt"), Versions + Environment.NewLine);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>Chromium plus every role in one process on a real port, with its own database and stream.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "xunit hands class fixtures to public test classes, so the fixture is public too.")]
public class Site : Chromium
{
    internal RoleApp App { get; private set; } = null!;

    public Uri Address => App.Address;

    /// <summary>
    /// What share links and QR codes must show. It names the same server as <see cref="Address"/>
    /// under another host name, so a test can tell it from the request's own address and still follow it.
    /// </summary>
    public string PublicUrl { get; private set; } = "";

    public HttpClient Client => App.Client;

    public override async Task InitializeAsync()
    {
        var startBrowser = base.InitializeAsync();
        var port = AppProcess.FreePort();
        PublicUrl = PublicUrlFor(port);
        App = await RoleApp.StartAsync("poll,worker,result", await Settings.CreateAsync(), new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Voting:PublicUrl"] = PublicUrl,
        });
        await Eventually.WaitAsync(async () => (await App.Client.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "all roles ready");
        await startBrowser;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    public string Url(string path) => new Uri(Address, path).ToString();

    protected virtual string PublicUrlFor(int port) => $"http://localhost:{port}";
}

using Granary.Testing;
using Microsoft.Playwright;

namespace Granary.Dashboard.Tests;

/// <summary>
/// One all-in-one host running the sample workflow, with its dashboard on a free loopback port, and one chromium,
/// shared by the browser tests.
/// </summary>
public sealed class DashboardHostFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("granary-dashboard-");
    private IPlaywright? _playwright;

    public InaboxProcess Host { get; private set; } = null!;

    public Uri Url { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The gateway to give the CLI.</summary>
    public string Gateway => $"127.0.0.1:{Host.GatewayPort}";

    public string WorkingDirectory => _dir.FullName;

    public async Task InitializeAsync()
    {
        // Fast refreshes so the pages see state changes within a second or two.
        Host = InaboxProcess.Start(_dir.FullName, $"--Granary:Sample:LogFile={Path.Combine(_dir.FullName, "sample.log")}", "--Granary:Sample:PeriodMs=200",
            "--Granary:Node:RefreshInterval=00:00:01", "--Granary:Node:PerformanceSampleInterval=00:00:01", "--Granary:Dashboard:RefreshInterval=00:00:00.500");
        Url = await Host.DashboardUrlAsync(TimeSpan.FromSeconds(90));
        (_playwright, Browser) = await Chromium.LaunchAsync();
    }

    /// <summary>A new page in a fresh browser context.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }
}

using Microsoft.Playwright;

namespace Granary.Dashboard.Tests;

/// <summary>
/// Where each test leaves a screenshot of the page it checked: $GRANARY_TEST_ARTIFACTS, or screenshots/ beside the
/// test assembly.
/// </summary>
internal static class Screenshots
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("GRANARY_TEST_ARTIFACTS") is { Length: > 0 } configured
        ? configured
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<string> SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}

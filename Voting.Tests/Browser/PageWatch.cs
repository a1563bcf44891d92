using Microsoft.Playwright;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Browser;

/// <summary>
/// Collects what a page should never do: break its Content-Security-Policy (an inline script or
/// style got in), throw an uncaught error, or open a dialog (a script that should have been text ran).
/// </summary>
internal sealed class PageWatch
{
    private readonly List<string> _problems = [];

    public static PageWatch On(IPage page, bool dialogsAllowed = false)
    {
        var watch = new PageWatch();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                watch.Add($"CSP violation on {page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => watch.Add($"Uncaught error on {page.Url}: {error}");
        if (!dialogsAllowed)
        {
            page.Dialog += (_, dialog) =>
            {
                watch.Add($"Unexpected {dialog.Type} dialog on {page.Url}: {dialog.Message}");
                _ = dialog.DismissAsync();
            };
        }
        return watch;
    }

    private void Add(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    public void AssertClean()
    {
        lock (_problems)
        {
            Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
        }
    }
}

/// <summary>Screenshots for the README, saved under <c>$VOTING_ARTIFACTS/screenshots</c>.</summary>
internal static class Screenshots
{
    public static string Folder => Path.Combine(TestEnvironment.Artifacts, "screenshots");

    public static async Task SaveAsync(IPage page, string name, bool fullPage = false)
    {
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name + ".png"), FullPage = fullPage });
    }
}

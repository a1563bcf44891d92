using System.Net;
using Microsoft.Playwright;
using Voting.Storage;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

/// <summary>
/// Every page at a 320 px phone, a 360 px phone, a laptop and a projector: nothing may stick out
/// sideways, and the screenshots (for the README) land in <c>$VOTING_ARTIFACTS/screenshots</c>.
/// </summary>
public sealed class PageGalleryTests(GallerySite site, ITestOutputHelper output) : IClassFixture<GallerySite>
{
    private static readonly (string Name, int Width, int Height)[] Screens =
    [
        ("narrow", 320, 640), ("phone", 360, 740), ("desktop", 1280, 800),
    ];

    [Fact]
    public async Task Every_page_fits_a_320_pixel_phone_and_a_projector_and_is_photographed()
    {
        output.WriteLine(site.Versions);
        var poll = await Api.CreatePollAsync(site.Client, "Which language should the next workshop use?", "C#", "F#", "Rust", "Go", "TypeScript");
        await Api.CreatePollAsync(site.Client, "Do you want a break after this talk?", "Yes please", "No, keep going");
        await CastAsync(poll, ("C#", 14), ("F#", 6), ("Rust", 9), ("Go", 4), ("TypeScript", 7));

        foreach (var (name, width, height) in Screens)
        {
            await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            var watch = PageWatch.On(page);
            var save = name != "narrow";

            await ShowAsync(page, "/", $"home-{name}", save);
            await ShowAsync(page, $"/polls/{poll.Id}", $"vote-{name}", save: false);
            await page.Locator("button[data-option-id='rust']").ClickAsync();
            await Expect(page.Locator("[data-vote-status]")).ToHaveAttributeAsync("data-state", "voted");
            await FitsAsync(page, width);
            if (save)
            {
                await Screenshots.SaveAsync(page, $"vote-{name}");
            }
            await ShowAsync(page, $"/results/{poll.Id}", $"results-{name}", save, live: true);
            await ShowAsync(page, $"/results/{poll.Id}/present", $"presenter-{name}", save, live: true, fullPage: true);

            await SignInAsync(page);
            await ShowAsync(page, "/admin", $"admin-{name}", save);
            await ShowAsync(page, $"/admin/polls/{poll.Id}", $"admin-poll-{name}", save, fullPage: true);
            watch.AssertClean();
        }

        // A projector: 16:9, read from the back of the room.
        foreach (var (name, width, height) in new[] { ("projector", 1280, 720), ("projector-1080p", 1920, 1080) })
        {
            await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            var watch = PageWatch.On(page);
            await ShowAsync(page, $"/results/{poll.Id}/present", $"presenter-{name}", save: true, live: true);
            // Everything on one screen: no scrolling in front of an audience.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= window.innerHeight"), $"the presenter view scrolls at {width}x{height}");
            watch.AssertClean();
        }
    }

    private async Task ShowAsync(IPage page, string path, string name, bool save, bool live = false, bool fullPage = false)
    {
        await page.GotoAsync(site.Url(path));
        if (live)
        {
            await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
            // Let the bars finish growing before the picture is taken.
            await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
        }
        await FitsAsync(page, page.ViewportSize!.Width);
        if (save)
        {
            await Screenshots.SaveAsync(page, name, fullPage);
        }
    }

    private static async Task FitsAsync(IPage page, int width)
    {
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{page.Url} is {scrollWidth} px wide on a {width} px screen");
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(site.Url("/admin"));
        if (await page.GetByLabel("Admin token").CountAsync() == 0)
        {
            return;
        }
        await page.GetByLabel("Admin token").FillAsync(TestEnvironment.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New poll" })).ToBeVisibleAsync();
    }

    private async Task CastAsync(PollDefinition poll, params (string Label, int Votes)[] votes)
    {
        var total = 0;
        foreach (var (label, count) in votes)
        {
            var optionId = poll.Options.Single(o => o.Label == label).Id;
            for (var i = 0; i < count; i++, total++)
            {
                Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(site.Client, poll.Id, optionId, Api.NewVoter())).StatusCode);
            }
        }
        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(site.Client, poll.Id)).Total == total, TimeSpan.FromSeconds(10), "the votes to be counted");
    }
}

/// <summary>The site as the README shows it: share links and QR codes name a public address.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "xunit hands class fixtures to public test classes, so the fixture is public too.")]
public sealed class GallerySite : Site
{
    protected override string PublicUrlFor(int port) => "https://vote.example.org";
}

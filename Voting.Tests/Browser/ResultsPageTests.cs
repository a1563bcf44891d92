using Microsoft.Playwright;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

public sealed class ResultsPageTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Pushed = new() { Timeout = 10_000 };

    [Fact]
    public async Task An_open_results_page_shows_votes_from_another_browser_within_two_seconds_without_a_reload()
    {
        output.WriteLine(site.Versions);
        var poll = await Api.CreatePollAsync(site.Client, "Where should we have lunch?", "Pizza", "Sushi", "Tacos");
        await using var viewer = await site.Browser.NewContextAsync();
        var results = await viewer.NewPageAsync();
        var watch = PageWatch.On(results);
        await results.GotoAsync(site.Url($"/results/{poll.Id}"));
        var navigations = 0;
        results.FrameNavigated += (_, frame) => navigations += frame == results.MainFrame ? 1 : 0;

        // No votes: zeros everywhere, not an even split.
        await Expect(results.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(results.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "0");
        Assert.Equal(["0%", "0%", "0%"], await results.Locator(".bar-row .percent").AllTextContentsAsync());

        await using var first = await site.Browser.NewContextAsync();
        var vote = await first.NewPageAsync();
        await vote.GotoAsync(site.Url($"/polls/{poll.Id}"));
        await vote.Locator("button[data-option-id='sushi']").ClickAsync();
        await Expect(Count(results, "sushi")).ToHaveAttributeAsync("data-votes", "1", Pushed);
        await Expect(results.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "1", Pushed);
        await Expect(results.Locator("[data-option-id='sushi'] .percent")).ToHaveTextAsync("100%");
        await Expect(results.Locator("[data-option-id='sushi'] .fill")).ToHaveAttributeAsync("style", "width: 100%;");
        await Expect(results.Locator("[data-option-id='sushi'] .fill")).ToHaveAttributeAsync("data-percent", "100");
        await Expect(results.Locator("[data-option-id='sushi']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bleading\b"));

        await using var second = await site.Browser.NewContextAsync();
        var another = await second.NewPageAsync();
        await another.GotoAsync(site.Url($"/polls/{poll.Id}"));
        await another.Locator("button[data-option-id='tacos']").ClickAsync();
        await Expect(Count(results, "tacos")).ToHaveAttributeAsync("data-votes", "1", Pushed);
        await Expect(results.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "2", Pushed);
        Assert.Equal(["0%", "50%", "50%"], await results.Locator(".bar-row .percent").AllTextContentsAsync());
        await Expect(results.Locator("[data-announce]")).ToContainTextAsync("2 votes");

        // A change of mind moves a vote between options; the total stays.
        await vote.Locator("button[data-option-id='pizza']").ClickAsync();
        await Expect(Count(results, "pizza")).ToHaveAttributeAsync("data-votes", "1", Pushed);
        await Expect(Count(results, "sushi")).ToHaveAttributeAsync("data-votes", "0", Pushed);
        await Expect(results.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "2");

        Assert.Equal(0, navigations);
        watch.AssertClean();
    }

    [Fact]
    public async Task Without_javascript_the_bars_are_drawn_from_the_servers_percentages()
    {
        var poll = await Api.CreatePollAsync(site.Client, "Bars without scripts?", "Yes", "No");
        for (var i = 0; i < 3; i++)
        {
            await Api.VoteAsync(site.Client, poll.Id, i < 2 ? "yes" : "no", Api.NewVoter());
        }
        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(site.Client, poll.Id)).Total == 3, TimeSpan.FromSeconds(10), "three votes counted");
        await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Url($"/results/{poll.Id}"));
        async Task<double> ShareAsync(string option) =>
            (await page.Locator($"[data-option-id='{option}'] .fill").BoundingBoxAsync())!.Width
            / (await page.Locator($"[data-option-id='{option}'] .bar").BoundingBoxAsync())!.Width;
        Assert.InRange(await ShareAsync("yes"), 0.62, 0.72);
        Assert.InRange(await ShareAsync("no"), 0.28, 0.38);
    }

    [Fact]
    public async Task A_results_page_marks_the_poll_closed_when_it_closes()
    {
        output.WriteLine(site.Versions);
        var poll = await Api.CreatePollAsync(site.Client, "Ship it today?", "Yes", "No");
        await using var context = await site.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Url($"/results/{poll.Id}"));
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("[data-closed]")).ToBeHiddenAsync();

        using var close = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{poll.Id}/close");
        close.Headers.Authorization = new("Bearer", TestEnvironment.AdminToken);
        (await site.Client.SendAsync(close)).EnsureSuccessStatusCode();

        await Expect(page.Locator("[data-closed]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-closed]")).ToHaveTextAsync("This poll is closed.");
    }

    private static ILocator Count(IPage page, string optionId) => page.Locator($"[data-option-id='{optionId}'] [data-votes]");
}

using Microsoft.Playwright;
using Voting.Storage;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

public sealed class VotePageTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    [Fact]
    public async Task Without_JavaScript_the_form_post_records_the_vote_and_shows_the_choice()
    {
        output.WriteLine(site.Versions);
        var poll = await Api.CreatePollAsync(site.Client, "Tabs or spaces?", "Tabs", "Spaces");
        await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await page.GotoAsync(site.Url($"/polls/{poll.Id}"));
        await page.Locator("button[data-option-id='spaces']").ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Your vote is in");
        await Expect(page.Locator("[data-voted-option-id]")).ToHaveAttributeAsync("data-voted-option-id", "spaces");
        await Expect(page.Locator("[data-voted-option-id]")).ToHaveTextAsync("Spaces");
        await WaitForAsync(poll, r => r.Total == 1 && Votes(r, "spaces") == 1);

        // The results page has the counts in its HTML: right without any script.
        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        await Expect(page.Locator("[data-option-id='spaces'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");
        await Expect(page.Locator("[data-option-id='tabs'] [data-votes]")).ToHaveAttributeAsync("data-votes", "0");
        await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "1");
        watch.AssertClean();
    }

    [Fact]
    public async Task With_JavaScript_a_vote_needs_no_reload_and_changing_it_moves_the_tally_not_the_total()
    {
        output.WriteLine(site.Versions);
        var poll = await Api.CreatePollAsync(site.Client, "Light or dark theme?", "Light", "Dark");
        await using var context = await site.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/polls/{poll.Id}"));
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        var status = page.Locator("[data-vote-status]");

        await page.Locator("button[data-option-id='light']").ClickAsync();
        await Expect(status).ToHaveTextAsync("You voted Light — you can change it any time.");
        await Expect(page.Locator("button[data-option-id='light']")).ToHaveAttributeAsync("aria-pressed", "true");
        await WaitForAsync(poll, r => r.Total == 1 && Votes(r, "light") == 1);

        await page.Locator("button[data-option-id='dark']").ClickAsync();
        await Expect(status).ToHaveTextAsync("You voted Dark — you can change it any time.");
        await Expect(page.Locator("button[data-option-id='light']")).ToHaveAttributeAsync("aria-pressed", "false");
        var changed = await WaitForAsync(poll, r => Votes(r, "dark") == 1);
        Assert.Equal(0, Votes(changed, "light"));
        Assert.Equal(1, changed.Total);

        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        Assert.Equal(0, navigations);
        await Expect(page.Locator("[data-results-link]")).ToHaveAttributeAsync("href", $"/results/{poll.Id}");
        watch.AssertClean();
    }

    [Fact]
    public async Task Markup_quotes_and_ampersands_in_a_poll_render_as_text_and_no_script_runs()
    {
        output.WriteLine(site.Versions);
        const string question = """<script>window.pwned = 1; alert(1)</script> "Quotes" & 'apostrophes' <b>bold?</b>""";
        string[] labels = ["""<img src=x onerror="window.pwned=2;alert(2)">""", """Tom & Jerry "T&J" 'x'""", """</button><script>window.pwned=3</script>"""];
        var poll = await Api.CreatePollAsync(site.Client, question, labels);
        await using var context = await site.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        foreach (var path in new[] { "/", $"/polls/{poll.Id}", $"/results/{poll.Id}", $"/results/{poll.Id}/present" })
        {
            await page.GotoAsync(site.Url(path));
            if (path == "/")
            {
                await Expect(page.Locator($"[data-poll-id='{poll.Id}'] .poll-link")).ToHaveTextAsync(question);
            }
            else
            {
                await Expect(page.Locator("h1.question")).ToHaveTextAsync(question);
                var shown = path.StartsWith("/polls", StringComparison.Ordinal)
                    ? page.Locator("button[data-option-id]")
                    : page.Locator(".bar-row .label");
                Assert.Equal(labels, await shown.AllTextContentsAsync());
            }
            Assert.Equal(0, await page.Locator("main b, main img:not([data-qr])").CountAsync());
            Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
            Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.pwned"));
        }

        // Voting for such an option through the page shows its label as text, too.
        await page.GotoAsync(site.Url($"/polls/{poll.Id}"));
        await page.Locator("button[data-option-id]").Nth(1).ClickAsync();
        await Expect(page.Locator("[data-vote-status]")).ToHaveTextAsync($"You voted {labels[1]} — you can change it any time.");
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.pwned"));
        watch.AssertClean();
    }

    private Task<PollResults> WaitForAsync(PollDefinition poll, Func<PollResults, bool> done) =>
        Eventually.WaitAsync(() => Api.ResultsAsync(site.Client, poll.Id), done, TimeSpan.FromSeconds(10), $"results of {poll.Id}");

    private static long Votes(PollResults results, string optionId) => results.Options.Single(o => o.Id == optionId).Votes;
}

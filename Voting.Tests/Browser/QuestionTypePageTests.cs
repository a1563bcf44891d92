using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static Voting.Tests.Browser.TypedPolls;

namespace Voting.Tests.Browser;

/// <summary>Voting on and watching multiple-choice and rating polls, with JavaScript and without.</summary>
public sealed class QuestionTypePageTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    private static readonly BrowserNewContextOptions NoScript = new() { JavaScriptEnabled = false };

    [Fact]
    public async Task Without_JavaScript_a_multiple_choice_form_posts_the_ticks_shows_the_ballot_and_refuses_too_many_with_422()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "Which snacks?", options = new[] { "Crisps", "Fruit", "Nuts" }, type = "multiple", maxChoices = 2 });
        await using var context = await site.Browser.NewContextAsync(NoScript);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        await Expect(page.Locator("legend.choose")).ToHaveTextAsync("Choose up to 2");
        await page.GetByLabel("Crisps").CheckAsync();
        await page.GetByLabel("Nuts").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your vote is in");
        Assert.Equal(["Crisps", "Nuts"], await page.Locator("[data-voted-choices] li").AllTextContentsAsync());
        await WaitForAsync(site, pollId, r => r.Total == 1 && Votes(r, "crisps") == 1 && Votes(r, "nuts") == 1);

        // Without a script nothing stops a third tick: the server answers with the form and a 422, and counts nothing.
        await using var other = await site.Browser.NewContextAsync(NoScript);
        var second = await other.NewPageAsync();
        await second.GotoAsync(site.Url($"/polls/{pollId}"));
        foreach (var label in new[] { "Crisps", "Fruit", "Nuts" })
        {
            await second.GetByLabel(label).CheckAsync();
        }
        var refused = await second.RunAndWaitForResponseAsync(
            () => second.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith($"/polls/{pollId}", StringComparison.Ordinal));
        Assert.Equal(422, refused.Status);
        await Expect(second.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Choose 1 to 2 of the options.");
        // The form comes back as the voter left it: untick one and send again.
        foreach (var label in new[] { "Crisps", "Fruit", "Nuts" })
        {
            await Expect(second.GetByLabel(label)).ToBeCheckedAsync();
        }
        await second.GetByLabel("Crisps").UncheckAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
        Assert.Equal(["Fruit", "Nuts"], await second.Locator("[data-voted-choices] li").AllTextContentsAsync());
        await WaitForAsync(site, pollId, r => r.Total == 2 && Votes(r, "fruit") == 1 && Votes(r, "nuts") == 2);
        await second.GotoAsync(site.Url($"/polls/{pollId}"));
        var forged = await PostFormAsync(second, $"/polls/{pollId}", [new("optionIds", "crisps"), new("optionIds", "no-such-option")]);
        Assert.Equal(422, forged.Status);

        // The first voter changes to Fruit alone. The stream keeps order, so once that change is
        // counted, anything the refused posts had added would have been counted before it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Change my vote" }).ClickAsync();
        await page.GetByLabel("Fruit").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
        Assert.Equal(["Fruit"], await page.Locator("[data-voted-choices] li").AllTextContentsAsync());
        var changed = await WaitForAsync(site, pollId, r => Votes(r, "fruit") == 2);
        Assert.Equal(2, changed.Total);
        Assert.Equal(0, Votes(changed, "crisps"));
        Assert.Equal(1, Votes(changed, "nuts"));

        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        await Expect(page.Locator("[data-option-id='fruit'] [data-votes]")).ToHaveAttributeAsync("data-votes", "2");
        await Expect(page.Locator("[data-option-id='crisps'] [data-votes]")).ToHaveAttributeAsync("data-votes", "0");
        await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "2");
        watch.AssertClean();
    }

    [Fact]
    public async Task With_JavaScript_multiple_choice_stops_at_N_ticks_votes_without_a_reload_and_the_open_results_page_moves()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "Which days suit you?", options = new[] { "Monday", "Tuesday", "Friday" }, type = "multiple", maxChoices = 2 });
        await using var context = await site.Browser.NewContextAsync();
        var results = await context.NewPageAsync();
        var resultsWatch = PageWatch.On(results);
        await results.GotoAsync(site.Url($"/results/{pollId}"));
        await Expect(results.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");

        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        await page.GetByLabel("Monday").CheckAsync();
        await page.GetByLabel("Friday").CheckAsync();
        await Expect(page.GetByLabel("Tuesday")).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
        await Expect(page.Locator("[data-vote-status]")).ToHaveTextAsync("You voted Monday, Friday — you can change it any time.");
        await Expect(results.Locator("[data-option-id='monday'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");
        await Expect(results.Locator("[data-option-id='friday'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");
        await Expect(results.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "1");

        // The ballot stays on the page, ready to change: untick Monday, tick Tuesday.
        await page.GetByLabel("Monday").UncheckAsync();
        await page.GetByLabel("Tuesday").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
        await Expect(page.Locator("[data-vote-status]")).ToHaveTextAsync("You voted Tuesday, Friday — you can change it any time.");
        await Expect(results.Locator("[data-option-id='monday'] [data-votes]")).ToHaveAttributeAsync("data-votes", "0");
        await Expect(results.Locator("[data-option-id='tuesday'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");
        await Expect(results.Locator("[data-option-id='tuesday'] .fill")).ToHaveAttributeAsync("data-percent", "100");
        await Expect(results.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "1");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the vote page was reloaded");

        // Coming back to the page, the ballot is there as cast, ready to change.
        await page.ReloadAsync();
        await Expect(page.Locator("[data-vote-status]")).ToHaveTextAsync("You voted Tuesday, Friday — you can change it any time.");
        await Expect(page.GetByLabel("Tuesday")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Friday")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Monday")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Monday")).ToBeDisabledAsync();
        watch.AssertClean();
        resultsWatch.AssertClean();
    }

    [Fact]
    public async Task Without_JavaScript_a_rating_is_one_of_a_row_of_buttons_and_the_pages_show_its_average()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "How clear was the talk?", type = "rating", scale = new { min = 0, max = 10, minLabel = "Lost", maxLabel = "Crystal clear" } });
        await using var context = await site.Browser.NewContextAsync(NoScript);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        Assert.Equal(Enumerable.Range(0, 11).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            await page.Locator("button[data-option-id]").AllTextContentsAsync());
        await Expect(page.Locator("[data-min-label]")).ToHaveTextAsync("Lost");
        await Expect(page.Locator("[data-max-label]")).ToHaveTextAsync("Crystal clear");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "10, Crystal clear" })).ToBeVisibleAsync();

        // A 320 px phone: eleven buttons wrap rather than scroll sideways.
        await page.SetViewportSizeAsync(320, 640);
        Assert.False(await ScrollsSidewaysAsync(page), "the vote page scrolls sideways at 320 px");
        await page.Locator("button[data-option-id='7']").ClickAsync();
        await Expect(page.Locator("[data-voted-option-id]")).ToHaveAttributeAsync("data-voted-option-id", "7");
        await VoteAsync(site, pollId, """{"rating": 10}""");
        await WaitForAsync(site, pollId, r => r.Total == 2);

        await page.GotoAsync(site.Url($"/results/{pollId}"));
        await Expect(page.Locator("[data-average]")).ToHaveTextAsync("8.50");
        await Expect(page.Locator("[data-option-id='7'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");
        await Expect(page.Locator("[data-option-id='0'] [data-votes]")).ToHaveAttributeAsync("data-votes", "0");
        Assert.False(await ScrollsSidewaysAsync(page), "the results page scrolls sideways at 320 px");

        // A bad value posted as the page would is a 422 with the form again, never a 500.
        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        foreach (var bad in new[] { "11", "-1", "seven", "" })
        {
            var answer = await PostFormAsync(page, $"/polls/{pollId}", [new("optionId", bad)]);
            Assert.Equal(422, answer.Status);
            Assert.Contains("Choose a value from 0 to 10.", await answer.TextAsync(), StringComparison.Ordinal);
        }
        watch.AssertClean();
    }

    [Fact]
    public async Task With_JavaScript_a_rating_vote_moves_the_presenter_views_large_average_live()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "How was lunch?", type = "rating" });
        await using var projector = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1920, Height = 1080 } });
        var presenter = await projector.NewPageAsync();
        var presenterWatch = PageWatch.On(presenter);
        await presenter.GotoAsync(site.Url($"/results/{pollId}/present"));
        await Expect(presenter.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(presenter.Locator("[data-average-box]")).ToBeHiddenAsync();

        await using var phone = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 360, Height = 740 } });
        var page = await phone.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        await page.Locator("button[data-option-id='4']").ClickAsync();
        await Expect(page.Locator("[data-vote-status]")).ToHaveTextAsync("You voted 4 — you can change it any time.");
        await Expect(page.Locator("button[data-option-id='4']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(presenter.Locator("[data-average]")).ToHaveTextAsync("4.00");

        await VoteAsync(site, pollId, """{"rating": 1}""");
        await Expect(presenter.Locator("[data-average]")).ToHaveTextAsync("2.50");
        await Expect(presenter.Locator("[data-option-id='1'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");
        await page.Locator("button[data-option-id='5']").ClickAsync();
        await Expect(presenter.Locator("[data-average]")).ToHaveTextAsync("3.00");
        await page.ReloadAsync();
        await Expect(page.Locator("[data-vote-status]")).ToHaveTextAsync("You voted 5 — you can change it any time.");
        await Expect(page.Locator("button[data-option-id='5']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("button[data-option-id='4']")).ToHaveAttributeAsync("aria-pressed", "false");

        // Large: the average reads from the back of a room, bigger than the question.
        var average = await presenter.Locator("[data-average]").EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        var question = await presenter.Locator("h1.question").EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        output.WriteLine($"average {average}px, question {question}px");
        Assert.True(average > question, $"the average ({average}px) is not larger than the question ({question}px)");
        Assert.False(await ScrollsSidewaysAsync(presenter) || await ScrollsDownAsync(presenter), "the presenter view scrolls on a 1920×1080 projector");
        watch.AssertClean();
        presenterWatch.AssertClean();
    }

    [Fact]
    public async Task Ticks_and_word_inputs_count_down_on_the_servers_clock_and_disable_at_zero_and_say_the_closing_time_without_JavaScript()
    {
        output.WriteLine(site.Versions);
        var multiple = await CreateAsync(site, new { question = "Quick: which fruit?", options = new[] { "Apple", "Pear" }, type = "multiple", durationSeconds = 10 });
        var words = await CreateAsync(site, new { question = "Quick: one word?", type = "words", maxWords = 2, durationSeconds = 10 });

        await using var plain = await site.Browser.NewContextAsync(NoScript);
        var still = await plain.NewPageAsync();
        await still.GotoAsync(site.Url($"/polls/{words}"));
        await Expect(still.Locator("[data-countdown]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Voting closes at \d{2}:\d{2}:\d{2} UTC on .+\.$"));

        // This phone's clock is an hour fast: only the server's clock may close the form.
        await using var phone = await site.Browser.NewContextAsync();
        await phone.AddInitScriptAsync("(() => { const real = Date.now.bind(Date); Date.now = () => real() + 3600000; })()");
        var ticks = await phone.NewPageAsync();
        var ticksWatch = PageWatch.On(ticks);
        await ticks.GotoAsync(site.Url($"/polls/{multiple}"));
        var typing = await phone.NewPageAsync();
        var typingWatch = PageWatch.On(typing);
        await typing.GotoAsync(site.Url($"/polls/{words}"));
        await Expect(ticks.GetByLabel("Apple")).ToBeEnabledAsync();
        await Expect(typing.GetByLabel("Word 1")).ToBeEnabledAsync();
        await Expect(typing.Locator("[data-countdown]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Voting closes in 0:(0\d|10)$"));

        await Expect(ticks.GetByLabel("Apple")).ToBeDisabledAsync(new() { Timeout = 15_000 });
        await Expect(ticks.GetByLabel("Pear")).ToBeDisabledAsync();
        await Expect(ticks.GetByRole(AriaRole.Button, new() { Name = "Vote" })).ToBeDisabledAsync();
        await Expect(typing.GetByLabel("Word 1")).ToBeDisabledAsync(new() { Timeout = 15_000 });
        await Expect(typing.GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeDisabledAsync();
        await Expect(typing.Locator("[data-countdown]")).ToHaveTextAsync("This poll is closed: it takes no more votes.");

        // The page drawn now is the closed one, for every type.
        await still.ReloadAsync();
        await Expect(still.Locator(".notice.closed")).ToHaveTextAsync("This poll is closed.");
        await Expect(still.Locator("input[data-word-input]")).ToHaveCountAsync(0);
        ticksWatch.AssertClean();
        typingWatch.AssertClean();
    }
}

using System.Text.Json;
using Microsoft.Playwright;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static Voting.Tests.Browser.TypedPolls;

namespace Voting.Tests.Browser;

/// <summary>Words polls as the audience and the organiser see them: the word inputs, the live cloud, hiding words.</summary>
public sealed class WordCloudPageTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    /// <summary>Thirty letters without a break: the widest word a voter can give.</summary>
    private static readonly string Longest = string.Concat(Enumerable.Repeat("abcdefghij", 3));

    [Fact]
    public async Task Without_JavaScript_words_are_sent_normalised_shown_back_and_drawn_in_the_cloud_and_bad_words_are_422()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "One word for this year?", type = "words", maxWords = 3 });
        await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        await Expect(page.Locator("input[data-word-input]")).ToHaveCountAsync(3);
        await page.GetByLabel("Word 1").FillAsync("Ｆａｓｔ ");
        await page.GetByLabel("Word 2").FillAsync("  simple   API ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your vote is in");
        Assert.Equal(["fast", "simple api"], await page.Locator("[data-voted-words] li").AllTextContentsAsync());
        await VoteAsync(site, pollId, """{"words": ["fast"]}""");
        await WaitForAsync(site, pollId, r => r.Total == 2 && Word(r, "fast") == 2 && Word(r, "simple api") == 1);

        // Too long, a control character, only blanks, too many: the form again with a 422, nothing counted.
        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        string[][] bad = [[Longest + "k"], ["tab\u0007"], ["   ", ""], ["a", "b", "c", "d"]];
        foreach (var words in bad)
        {
            var answer = await PostFormAsync(page, $"/polls/{pollId}", words.Select(w => new KeyValuePair<string, string>("words", w)));
            Assert.Equal(422, answer.Status);
            Assert.Contains("Give 1 to 3 words, each 1 to 30 characters of visible text.", await answer.TextAsync(), StringComparison.Ordinal);
        }
        // Typed on the page: the refused form comes back with the words as typed, to mend and send.
        await page.GetByLabel("Word 1").FillAsync("good");
        await page.GetByLabel("Word 2").FillAsync(Longest + "k");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Give 1 to 3 words, each 1 to 30 characters of visible text.");
        await Expect(page.GetByLabel("Word 1")).ToHaveValueAsync("good");
        await Expect(page.GetByLabel("Word 2")).ToHaveValueAsync(Longest + "k");
        await page.GetByLabel("Word 2").FillAsync("Fast");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        Assert.Equal(["fast", "good"], await page.Locator("[data-voted-words] li").AllTextContentsAsync());

        var marker = Api.NewVoter();
        await VoteAsync(site, pollId, """{"words": ["marker"]}""", marker);
        var after = await WaitForAsync(site, pollId, r => Word(r, "marker") == 1);
        Assert.Equal(3, after.Total);
        Assert.Equal(["fast", "good", "marker"], after.Words!.Select(w => w.Text).Order(StringComparer.Ordinal));

        await page.GotoAsync(site.Url($"/results/{pollId}"));
        Assert.Equal(["fast", "good", "marker"], await page.Locator("[data-cloud] .word").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.word)"));
        await Expect(page.Locator("[data-word='fast']")).ToHaveAttributeAsync("data-size", "6");
        await Expect(page.Locator("[data-word='fast']")).ToHaveTextAsync("fast, 2 votes");
        await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "3");
        watch.AssertClean();
    }

    [Fact]
    public async Task The_cloud_grows_live_in_order_of_votes_and_fits_a_320_px_phone_and_a_1920_by_1080_projector()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "What should we keep doing?", type = "words", maxWords = 5 });
        await using var phone = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 320, Height = 640 } });
        var page = await phone.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/results/{pollId}"));
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("[data-cloud-empty]")).ToBeVisibleAsync();
        await using var projector = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1920, Height = 1080 } });
        var presenter = await projector.NewPageAsync();
        var presenterWatch = PageWatch.On(presenter);
        await presenter.GotoAsync(site.Url($"/results/{pollId}/present"));
        await Expect(presenter.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");

        // The phone's own vote through the vote page, with its script.
        var vote = await phone.NewPageAsync();
        var voteWatch = PageWatch.On(vote);
        await vote.GotoAsync(site.Url($"/polls/{pollId}"));
        await vote.GetByLabel("Word 1").FillAsync("Demos");
        await vote.GetByLabel("Word 2").FillAsync("Coffee");
        await vote.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(vote.Locator("[data-vote-status]")).ToHaveTextAsync("You voted Demos, Coffee — you can change it any time.");
        await Expect(page.Locator("[data-cloud] .word")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-cloud-empty]")).ToBeHiddenAsync();

        // Coffee overtakes: it moves to the front of the DOM and to the largest size.
        await VoteAsync(site, pollId, """{"words": ["coffee"]}""");
        await Expect(page.Locator("[data-cloud] .word").First).ToHaveAttributeAsync("data-word", "coffee");
        await Expect(page.Locator("[data-word='coffee']")).ToHaveAttributeAsync("data-size", "6");
        await Expect(page.Locator("[data-word='demos']")).ToHaveAttributeAsync("data-size", "5");
        await Expect(presenter.Locator("[data-cloud] .word").First).ToHaveAttributeAsync("data-word", "coffee");

        // Fifty words, the top one thirty letters without a break.
        for (var voter = 0; voter < 10; voter++)
        {
            var words = Enumerable.Range(voter * 5, 5).Select(i => $"idea {i:D2}");
            await VoteAsync(site, pollId, JsonSerializer.Serialize(new { words }));
        }
        for (var voter = 0; voter < 6; voter++)
        {
            await VoteAsync(site, pollId, JsonSerializer.Serialize(new { words = new[] { Longest } }));
        }
        var final = await WaitForAsync(site, pollId, r => r.Total == 18 && Word(r, Longest) == 6 && r.Words!.Count == 50);
        var expected = final.Words!.Select(w => w.Text).ToArray();
        Assert.Equal(Longest, expected[0]);

        foreach (var (view, name) in new[] { (page, "phone"), (presenter, "projector") })
        {
            var cloud = view.Locator("[data-cloud] .word");
            await Expect(cloud).ToHaveCountAsync(50);
            await Expect(cloud.First).ToHaveAttributeAsync("data-word", Longest);
            // The order a screen reader reads is the order of votes, as the API gives it.
            Assert.Equal(expected, await cloud.EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.word)"));
            Assert.False(await ScrollsSidewaysAsync(view), $"the {name} scrolls sideways");
            // Every word inside the screen's width; on the projector inside its height too (nothing cut off).
            var outside = await cloud.EvaluateAllAsync<string[]>("""
                es => es.filter(e => { const r = e.getBoundingClientRect(); const d = document.documentElement;
                  return r.left < 0 || r.right > d.clientWidth || (document.body.classList.contains("present") && r.bottom > d.clientHeight); })
                  .map(e => e.dataset.word)
                """);
            Assert.True(outside.Length == 0, $"words outside the {name}'s screen: {string.Join(", ", outside)}");
            await Screenshots.SaveAsync(view, $"word-cloud-{name}", fullPage: true);
        }
        Assert.False(await ScrollsDownAsync(presenter), "the presenter view scrolls on a 1920×1080 projector");
        var largest = await presenter.Locator("[data-word]").First.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        var smallest = await presenter.Locator("[data-word]").Last.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        output.WriteLine($"projector: top word {largest}px, last word {smallest}px");
        Assert.True(largest >= 1.8 * smallest, $"sizes do not follow votes: {largest}px against {smallest}px");
        Assert.True(smallest >= 24, $"the smallest word ({smallest}px) is too small for a projector");
        watch.AssertClean();
        presenterWatch.AssertClean();
        voteWatch.AssertClean();
    }

    [Fact]
    public async Task A_hidden_words_poll_carries_no_word_until_the_reveal_and_a_word_the_organiser_hides_leaves_the_live_cloud()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(site, new { question = "Describe the keynote", type = "words", resultsVisibility = "revealed" });
        await VoteAsync(site, pollId, """{"words": ["inspiring", "secretword"]}""");
        await VoteAsync(site, pollId, """{"words": ["inspiring"]}""");
        await Eventually.WaitAsync(async () => (await site.Client.GetStringAsync($"/api/results/{pollId}")).Contains("\"total\":2", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "two ballots counted");

        await using var context = await site.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/results/{pollId}"));
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "2");
        Assert.Equal(0, await page.Locator("[data-word]").CountAsync());
        Assert.DoesNotContain("secretword", await page.ContentAsync(), StringComparison.Ordinal);

        // The organiser, on the poll's admin page: the words with Hide, the reveal.
        await using var admin = await site.Browser.NewContextAsync();
        var organiser = await admin.NewPageAsync();
        var organiserWatch = PageWatch.On(organiser, dialogsAllowed: true);
        await organiser.GotoAsync(site.Url("/admin"));
        await organiser.GetByLabel("Admin token").FillAsync(TestEnvironment.AdminToken);
        await organiser.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await organiser.GotoAsync(site.Url($"/admin/polls/{pollId}"));
        Assert.Equal(["inspiring", "secretword"], await organiser.Locator(".word-list li").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.word)"));
        await organiser.Locator("[data-reveal]").ClickAsync();
        await Expect(page.Locator("[data-cloud] .word")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-word='inspiring']")).ToHaveAttributeAsync("data-votes", "2");

        await organiser.GetByRole(AriaRole.Button, new() { Name = "Hide secretword" }).ClickAsync();
        await Expect(organiser.Locator("li[data-word='secretword']")).ToHaveAttributeAsync("data-hidden", "true");
        await Expect(page.Locator("[data-word='secretword']")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-cloud] .word")).ToHaveCountAsync(1);
        Assert.Equal(0, Word(await Api.ResultsAsync(site.Client, pollId), "secretword"));

        await organiser.GetByRole(AriaRole.Button, new() { Name = "Unhide secretword" }).ClickAsync();
        await Expect(organiser.Locator("li[data-word='secretword']")).ToHaveAttributeAsync("data-hidden", "false");
        await Expect(page.Locator("[data-word='secretword']")).ToHaveAttributeAsync("data-votes", "1");

        // A word the organiser's form could not send is a 4xx, not a 500.
        var answer = await PostFormAsync(organiser, $"/admin/polls/{pollId}/words/hide", [new("text", "\u0007")]);
        Assert.Equal(422, answer.Status);
        watch.AssertClean();
        organiserWatch.AssertClean();
    }

    [Fact]
    public async Task The_organiser_creates_rating_and_words_polls_from_the_form_with_each_types_fields()
    {
        output.WriteLine(site.Versions);
        await using var admin = await site.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await admin.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url("/admin"));
        await page.GetByLabel("Admin token").FillAsync(TestEnvironment.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // More choices than options is refused with the API's message, and the form keeps what was typed.
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("Would you recommend us?");
        await page.GetByLabel("Multiple choice", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Options").FillAsync("Yes\nNo");
        await page.GetByLabel("Choose up to").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create poll" }).ClickAsync();
        await Expect(page.Locator("#max-choices-error")).ToHaveTextAsync("maxChoices is a whole number from 1 to the number of options.");
        await Expect(page.GetByLabel("Multiple choice", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Choose up to")).ToHaveValueAsync("5");

        // A rating scale instead: the options typed for a choice poll are left out.
        await page.GetByLabel("Rating scale").CheckAsync();
        await page.GetByLabel("From").FillAsync("0");
        await page.GetByLabel("Label of the low end").FillAsync("Never");
        await page.GetByLabel("Label of the high end").FillAsync("Already did");
        await page.Locator("#scale-max").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create poll" }).ClickAsync();
        await Expect(page.Locator("h1.question")).ToHaveTextAsync("Would you recommend us?");
        Assert.Equal(Enumerable.Range(0, 11).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), await page.Locator(".option-list li").AllTextContentsAsync());
        var ratingId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        await page.GotoAsync(site.Url($"/polls/{ratingId}"));
        await Expect(page.Locator("[data-max-label]")).ToHaveTextAsync("Already did");

        await page.GotoAsync(site.Url("/admin"));
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("Three words for the venue");
        await page.GetByLabel("Word cloud").CheckAsync();
        await page.GetByLabel("Words per person").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create poll" }).ClickAsync();
        await Expect(page.Locator("[data-no-words]")).ToHaveTextAsync("No words yet.");
        var wordsId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        await VoteAsync(site, wordsId, """{"words": ["Roomy", "loud"]}""");
        await WaitForAsync(site, wordsId, r => r.Total == 1);
        await page.ReloadAsync();
        Assert.Equal(["loud", "roomy"], await page.Locator(".word-list .word-text").AllTextContentsAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Hide loud" }).ClickAsync();
        await Expect(page.Locator("li[data-word='loud']")).ToHaveAttributeAsync("data-hidden", "true");
        Assert.Equal(["roomy"], (await Api.ResultsAsync(site.Client, wordsId)).Words!.Select(w => w.Text));
        watch.AssertClean();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

/// <summary>Hidden results and their reveal, the countdown that closes a poll, the CSV download, as an audience and an organiser see them.</summary>
public sealed class PresenterControlTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    [Fact]
    public async Task A_hidden_polls_results_page_carries_no_count_anywhere_until_the_reveal_draws_them_live()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(new { question = "Which talk was best?", options = new[] { "Keynote", "Workshop", "Panel" }, resultsVisibility = "revealed" });
        await using var viewer = await site.Browser.NewContextAsync();
        var page = await viewer.NewPageAsync();
        var watch = PageWatch.On(page);
        var frames = new List<string>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            lock (frames)
            {
                frames.Add(frame.Text ?? "");
            }
        };
        var response = await page.GotoAsync(site.Url($"/results/{pollId}"));
        var source = await response!.TextAsync();
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");

        // Votes arrive while hidden: the page follows the total, and nothing else.
        foreach (var option in new[] { "keynote", "keynote", "keynote", "panel" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(site.Client, pollId, option, Api.NewVoter())).StatusCode);
        }
        await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "4", new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-waiting]")).ToHaveTextAsync("Results appear when the presenter reveals them.");
        Assert.Equal(["Keynote", "Workshop", "Panel"], await page.Locator(".bar-row .label").AllTextContentsAsync());

        Assert.DoesNotContain("data-votes", source, StringComparison.Ordinal);
        Assert.DoesNotContain("data-percent", source, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d+%", source);
        await Expect(page.Locator("[data-votes]")).ToHaveCountAsync(0);
        Assert.All(await page.Locator(".bar-row .figures").AllTextContentsAsync(), text => Assert.Equal("", text));
        Assert.DoesNotMatch(@"\d+%", await page.Locator(".bars").InnerTextAsync());
        string[] seen;
        lock (frames)
        {
            seen = [.. frames];
        }
        Assert.Contains(seen, f => f.Contains("\"hidden\":true", StringComparison.Ordinal) && f.Contains("\"total\":4", StringComparison.Ordinal));
        Assert.All(seen, f =>
        {
            Assert.DoesNotContain("\"options\"", f, StringComparison.Ordinal);
            Assert.DoesNotContain("\"votes\"", f, StringComparison.Ordinal);
        });

        // The reveal: counts and bars without a reload; the time from the request is printed (the bench holds the target).
        var clock = Stopwatch.StartNew();
        using (var reveal = Admin(HttpMethod.Post, $"/api/polls/{pollId}/reveal"))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await site.Client.SendAsync(reveal)).StatusCode);
        }
        await Expect(Count(page, "keynote")).ToHaveAttributeAsync("data-votes", "3", new() { Timeout = 10_000 });
        output.WriteLine($"Reveal drawn {clock.ElapsedMilliseconds} ms after the request was sent");
        await Expect(Count(page, "workshop")).ToHaveAttributeAsync("data-votes", "0");
        await Expect(Count(page, "panel")).ToHaveAttributeAsync("data-votes", "1");
        await Expect(page.Locator("[data-option-id='keynote'] .percent")).ToHaveTextAsync("75%");
        await Expect(page.Locator("[data-option-id='keynote'] .fill")).ToHaveAttributeAsync("style", "width: 75%;");
        await Expect(page.Locator("[data-waiting]")).ToBeHiddenAsync();
        lock (frames)
        {
            // The same capture sees the counts once they may be seen: it would have seen them before.
            Assert.Contains(frames, f => f.Contains("\"votes\":3", StringComparison.Ordinal));
        }

        // Hidden again: the figures leave the page.
        using (var hide = Admin(HttpMethod.Post, $"/api/polls/{pollId}/hide"))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await site.Client.SendAsync(hide)).StatusCode);
        }
        await Expect(page.Locator("[data-votes]")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-waiting]")).ToBeVisibleAsync();
        Assert.Equal(0, navigations);
        watch.AssertClean();
    }

    [Fact]
    public async Task The_vote_pages_countdown_follows_the_servers_clock_and_disables_the_buttons_at_zero()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(new { question = "Quick: tea or coffee?", options = new[] { "Tea", "Coffee" }, durationSeconds = 10 });
        // This phone's clock is an hour fast: a countdown by the device's clock would say closed at once.
        await using var phone = await site.Browser.NewContextAsync();
        await phone.AddInitScriptAsync("(() => { const real = Date.now.bind(Date); Date.now = () => real() + 3600000; })()");
        var page = await phone.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/polls/{pollId}"));

        var countdown = page.Locator("[data-countdown]");
        await Expect(countdown).ToHaveTextAsync(new Regex(@"^Voting closes in 0:(0\d|10)$"));
        var left = int.Parse((await countdown.GetAttributeAsync("data-seconds-left"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(left, 1, 10);
        await Expect(page.Locator("button[data-option-id='tea']")).ToBeEnabledAsync();

        // The clock runs out: both buttons disable and the page says so, with no reload.
        await Expect(page.Locator("button[data-option-id='tea']")).ToBeDisabledAsync(new() { Timeout = 15_000 });
        await Expect(page.Locator("button[data-option-id='coffee']")).ToBeDisabledAsync();
        await Expect(countdown).ToHaveTextAsync("This poll is closed: it takes no more votes.");

        // The server agrees: a vote is refused, and the page drawn now is the closed one.
        Assert.Equal(HttpStatusCode.Conflict, (await Api.VoteAsync(site.Client, pollId, "tea", Api.NewVoter())).StatusCode);
        await page.ReloadAsync();
        await Expect(page.Locator(".notice.closed")).ToHaveTextAsync("This poll is closed.");
        await Expect(page.Locator("button[data-option-id]")).ToHaveCountAsync(0);
        watch.AssertClean();
    }

    [Fact]
    public async Task A_presenter_view_waiting_for_the_close_counts_down_and_draws_the_bars_when_the_timer_runs_out()
    {
        output.WriteLine(site.Versions);
        var pollId = await CreateAsync(new { question = "Agree?", options = new[] { "Yes", "No" }, resultsVisibility = "closed", durationSeconds = 10 });
        await using var projector = await site.Browser.NewContextAsync();
        var page = await projector.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/results/{pollId}/present"));
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("[data-waiting]")).ToHaveTextAsync("Results appear when the poll closes.");
        await Expect(page.Locator("[data-countdown]")).ToHaveTextAsync(new Regex(@"^Voting closes in 0:(0\d|10)$"));
        Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(site.Client, pollId, "yes", Api.NewVoter())).StatusCode);
        await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "1", new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-votes]")).ToHaveCountAsync(0);

        // No vote arrives at the close: the result role pushes the poll by itself, and the page draws it.
        await Expect(Count(page, "yes")).ToHaveAttributeAsync("data-votes", "1", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-closed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-countdown]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-waiting]")).ToBeHiddenAsync();
        watch.AssertClean();
    }

    [Fact]
    public async Task Without_javascript_the_vote_page_shows_the_closing_time_in_utc()
    {
        var pollId = await CreateAsync(new { question = "Stay for drinks?", options = new[] { "Yes", "No" }, durationSeconds = 3600 });
        var poll = await site.Client.GetFromJsonAsync<PollJson>($"/api/polls/{pollId}");
        await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Url($"/polls/{pollId}"));
        var at = poll!.ClosesAt!.Value.UtcDateTime;
        await Expect(page.Locator("[data-countdown]")).ToHaveTextAsync(
            $"Voting closes at {at.ToString("HH:mm:ss 'UTC on' d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}.");
        await Expect(page.Locator("button[data-option-id='yes']")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task The_organiser_reveals_sets_a_timer_and_downloads_a_csv_whose_formula_label_arrives_as_text()
    {
        output.WriteLine(site.Versions);
        await using var admin = await site.Browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true });
        var page = await admin.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url("/admin"));
        await page.GetByLabel("Admin token").FillAsync(TestEnvironment.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // A poll whose results wait for the organiser, with a label a spreadsheet would run as a formula.
        await page.GetByLabel("Question").FillAsync("Which link, then?");
        await page.GetByLabel("Options").FillAsync("=HYPERLINK(\"x\")\nPlain, with a comma");
        await page.GetByLabel("When I reveal them").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create poll" }).ClickAsync();
        await Expect(page.Locator("h1.question")).ToHaveTextAsync("Which link, then?");
        var pollId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        await Expect(page.Locator("[data-results-mode]")).ToHaveAttributeAsync("data-results-mode", "revealed");
        await Expect(page.Locator("[data-results-visible]")).ToHaveAttributeAsync("data-results-visible", "false");

        var poll = await site.Client.GetFromJsonAsync<PollJson>($"/api/polls/{pollId}");
        var formula = Assert.Single(poll!.Options, o => o.Label.StartsWith('='));
        var plain = Assert.Single(poll.Options, o => o.Label.StartsWith('P'));
        foreach (var option in new[] { formula.Id, formula.Id, plain.Id })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(site.Client, pollId, option, Api.NewVoter())).StatusCode);
        }
        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(site.Client, pollId)).Total == 3, TimeSpan.FromSeconds(10), "three votes counted");

        // The download works while the results are hidden from the audience: they are the organiser's.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download-csv]").ClickAsync());
        Assert.Equal($"poll-{pollId}-results.csv", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var rows = ParseCsv(System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Equal(["poll_id", "question", "option_id", "label", "votes", "share"], rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal([pollId, "Which link, then?", formula.Id, "'=HYPERLINK(\"x\")", "2", "0.6667"], rows[1]);
        Assert.Equal([pollId, "Which link, then?", plain.Id, "Plain, with a comma", "1", "0.3333"], rows[2]);

        // Reveal, then a timer from the presets, then cancel it: each shows in the poll's state.
        await page.GetByRole(AriaRole.Button, new() { Name = "Reveal results" }).ClickAsync();
        await Expect(page.Locator("[data-results-visible]")).ToHaveAttributeAsync("data-results-visible", "true");
        Assert.Equal(3, (await Api.ResultsAsync(site.Client, pollId)).Options.Sum(o => o.Votes));
        await page.GetByRole(AriaRole.Button, new() { Name = "1 min" }).ClickAsync();
        await Expect(page.Locator("strong[data-closes-at]")).ToContainTextAsync("UTC on");
        var timed = await site.Client.GetFromJsonAsync<PollJson>($"/api/polls/{pollId}");
        Assert.InRange((timed!.ClosesAt!.Value - DateTimeOffset.UtcNow).TotalSeconds, 30, 61);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the timer" }).ClickAsync();
        await Expect(page.Locator("strong[data-closes-at]")).ToHaveTextAsync("open until you close it");
        Assert.Null((await site.Client.GetFromJsonAsync<PollJson>($"/api/polls/{pollId}"))!.ClosesAt);
        await page.GetByRole(AriaRole.Button, new() { Name = "Hide results" }).ClickAsync();
        await Expect(page.Locator("[data-results-visible]")).ToHaveAttributeAsync("data-results-visible", "false");
        watch.AssertClean();
    }

    private async Task<string> CreateAsync(object body)
    {
        using var request = Admin(HttpMethod.Post, "/api/polls");
        request.Content = JsonContent.Create(body);
        using var response = await site.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PollJson>())!.Id;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        return request;
    }

    private static ILocator Count(IPage page, string optionId) => page.Locator($"[data-option-id='{optionId}'] [data-votes]");

    /// <summary>RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }
        Assert.True(cell.Length == 0 && row.Count == 0, "the CSV ends with CRLF");
        return rows;
    }

    private sealed record PollJson(string Id, IReadOnlyList<Voting.Storage.PollOption> Options, DateTimeOffset? ClosesAt);
}

using System.Net;
using System.Text.RegularExpressions;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Faults;

/// <summary>Two poll processes behind one address: forms and cookies from one work on the other.</summary>
public sealed partial class TwoPollProcessesTests
{
    [Fact]
    public async Task A_form_rendered_by_one_poll_process_is_accepted_by_another_and_the_voter_cookie_is_honoured()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToEnvironment();
        await using var first = AppProcess.Start(["--role", "poll"], env);
        await using var second = AppProcess.Start(["--role", "poll"], env);
        await using var backend = AppProcess.Start(["--role", "worker,result"], env);
        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync(), backend.WaitUntilReadyAsync());
        using var one = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = first.Address };
        using var two = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = second.Address };
        var poll = await Api.CreatePollAsync(one, "Q?", "Yes", "No");
        await Eventually.WaitAsync(async () => (await two.GetAsync($"/api/polls/{poll.Id}")).IsSuccessStatusCode, TimeSpan.FromSeconds(5), "the poll on the second process");

        // The page (and its antiforgery cookie and token) from the first process…
        using var page = await one.GetAsync($"/polls/{poll.Id}");
        var html = await page.Content.ReadAsStringAsync();
        var token = FormToken().Match(html).Groups[1].Value;
        var antiforgeryCookie = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("voting-af=", StringComparison.Ordinal));
        Assert.NotEmpty(token);

        // …is posted to the second, which must verify it with the keys the two share through Redis.
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/polls/{poll.Id}")
        {
            Content = new FormUrlEncodedContent([new("__vt", WebUtility.HtmlDecode(token)), new("optionId", "yes")]),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        using var accepted = await two.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("Your vote is in", await accepted.Content.ReadAsStringAsync());
        var voter = Api.IssuedVoter(accepted)!;
        Assert.NotNull(voter);

        // The voter cookie from the second is honoured by the first: the same voter changes their mind.
        using var change = await Api.VoteAsync(one, poll.Id, "no", voter);
        Assert.Equal(HttpStatusCode.Accepted, change.StatusCode);
        Assert.Null(Api.IssuedVoter(change));
        using var results = new HttpClient { BaseAddress = backend.Address };
        var final = await Eventually.WaitAsync(() => Api.ResultsAsync(results, poll.Id), r => r.Options[1].Votes == 1, TimeSpan.FromSeconds(10), "the changed vote");
        Assert.Equal(1, final.Total);
        Assert.Equal(0, final.Options[0].Votes);
    }

    [GeneratedRegex("name=\"__vt\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}

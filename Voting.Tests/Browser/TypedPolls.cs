using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Browser;

/// <summary>Polls of every type made and voted on through the API, for the pages' tests to watch.</summary>
internal static class TypedPolls
{
    public static async Task<string> CreateAsync(Site site, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/polls") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        using var response = await site.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PollDefinition>())!.Id;
    }

    /// <summary>A vote as a new voter would send it, in the poll's shape; it must be taken (202).</summary>
    public static async Task VoteAsync(Site site, string pollId, string json, string? voter = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{pollId}/votes")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cookie", $"voter={voter ?? Api.NewVoter()}");
        using var response = await site.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{json}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static Task<PollResults> WaitForAsync(Site site, string pollId, Func<PollResults, bool> done) =>
        Eventually.WaitAsync(() => Api.ResultsAsync(site.Client, pollId), done, TimeSpan.FromSeconds(15), $"results of {pollId}");

    public static long Votes(PollResults results, string optionId) => results.Options.Single(o => o.Id == optionId).Votes;

    public static long Word(PollResults results, string text) => results.Words?.SingleOrDefault(w => w.Text == text)?.Votes ?? 0;

    /// <summary>The form post a page makes, with the page's own antiforgery token and cookies: for input no page would send.</summary>
    public static async Task<IAPIResponse> PostFormAsync(IPage page, string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = page.Locator("form input[type=hidden]").First;
        var form = page.Context.APIRequest.CreateFormData();
        form.Append(await token.GetAttributeAsync("name") ?? "", await token.GetAttributeAsync("value") ?? "");
        foreach (var (name, value) in fields)
        {
            form.Append(name, value);
        }
        return await page.Context.APIRequest.PostAsync(new Uri(new Uri(page.Url), path).ToString(), new() { Form = form, MaxRedirects = 0 });
    }

    /// <summary>True when the page scrolls sideways (a word wider than a phone, say).</summary>
    public static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth");

    public static Task<bool> ScrollsDownAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.scrollingElement.scrollHeight > document.scrollingElement.clientHeight");
}

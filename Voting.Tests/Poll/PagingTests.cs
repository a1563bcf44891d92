using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>Lists anyone may ask for are paged: the API, the home page and the admin list.</summary>
public sealed partial class PagingTests : IAsyncLifetime
{
    private Settings _settings = null!;
    private RoleApp _poll = null!;
    private List<PollDefinition> _created = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _poll = await RoleApp.StartAsync("poll", _settings);
        await _poll.WaitUntilReadyAsync();
        _created = [];
        for (var i = 0; i < 27; i++)
        {
            _created.Add(await Api.CreatePollAsync(_poll.Client, $"Question {i}?", "Yes", "No"));
        }
        // One closed poll: the home page lists open polls only.
        using var close = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{_created[26].Id}/close");
        close.Headers.Authorization = new("Bearer", TestEnvironment.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await _poll.Client.SendAsync(close)).StatusCode);
    }

    public async Task DisposeAsync() => await _poll.DisposeAsync();

    [Fact]
    public async Task The_api_pages_newest_first_and_links_to_the_next_page_until_the_last()
    {
        var seen = new List<PollDefinition>();
        var next = "/api/polls?limit=10";
        var pages = 0;
        while (next is not null)
        {
            using var response = await _poll.Client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<PollDefinition[]>())!;
            Assert.InRange(page.Length, 1, 10);
            seen.AddRange(page);
            next = response.Headers.TryGetValues("Link", out var links) ? NextLink().Match(links.Single()).Groups[1].Value : null;
            pages++;
        }
        Assert.Equal(3, pages);
        Assert.Equal(_created.Select(p => p.Id).Reverse(), seen.Select(p => p.Id));
        // Without a limit: the first 50.
        var first = (await _poll.Client.GetFromJsonAsync<PollDefinition[]>("/api/polls"))!;
        Assert.Equal(27, first.Length);
    }

    [Theory]
    [InlineData("/api/polls?limit=0")]
    [InlineData("/api/polls?limit=201")]
    [InlineData("/api/polls?limit=ten")]
    [InlineData("/api/polls?limit=-1")]
    [InlineData("/api/polls?after=no-such-poll")]
    [InlineData("/api/polls?after=../x")]
    public async Task A_bad_page_request_is_400_not_a_500(string path)
    {
        using var response = await _poll.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_home_page_shows_twenty_open_polls_and_a_link_to_the_rest()
    {
        var html = await _poll.Client.GetStringAsync("/");
        Assert.Equal(20, PollItem().Count(html));
        Assert.Contains(_created[25].Id, html);
        Assert.DoesNotContain(_created[26].Id, html);
        var more = MoreLink().Match(html).Groups[1].Value;
        var rest = await _poll.Client.GetStringAsync(System.Net.WebUtility.HtmlDecode(more));
        Assert.Equal(6, PollItem().Count(rest));
        Assert.Contains($"data-poll-id=\"{_created[0].Id}\"", rest);
        Assert.DoesNotMatch(MoreLink(), rest);
    }

    [Fact]
    public async Task The_admin_list_shows_fifty_polls_and_links_to_the_older_ones()
    {
        for (var i = 27; i < 52; i++)
        {
            _created.Add(await Api.CreatePollAsync(_poll.Client, $"Question {i}?", "Yes", "No"));
        }
        using var organiser = new FormBrowser(_poll.Address);
        await organiser.SignInAsync();
        var (status, html) = await organiser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(50, PollItem().Count(html));
        Assert.Contains($"data-poll-id=\"{_created[51].Id}\"", html);
        Assert.DoesNotContain($"data-poll-id=\"{_created[1].Id}\"", html);
        var older = OlderLink().Match(html).Groups[1].Value;
        Assert.NotEmpty(older);
        var (restStatus, rest) = await organiser.GetAsync(System.Net.WebUtility.HtmlDecode(older));
        Assert.Equal(HttpStatusCode.OK, restStatus);
        Assert.Equal([_created[1].Id, _created[0].Id], PollIds().Matches(rest).Select(m => m.Groups[1].Value));
        Assert.DoesNotMatch(OlderLink(), rest);
    }

    [GeneratedRegex("<([^>]+)>; rel=\"next\"")]
    private static partial Regex NextLink();

    [GeneratedRegex("<li data-poll-id=")]
    private static partial Regex PollItem();

    [GeneratedRegex("<a rel=\"next\" href=\"([^\"]+)\">More polls</a>")]
    private static partial Regex MoreLink();

    [GeneratedRegex("<a rel=\"next\" href=\"([^\"]+)\">Older polls</a>")]
    private static partial Regex OlderLink();

    [GeneratedRegex("<li data-poll-id=\"([^\"]+)\"")]
    private static partial Regex PollIds();
}

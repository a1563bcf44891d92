using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

public sealed class PollApiTests : IAsyncLifetime
{
    private Settings _settings = null!;
    private RoleApp _poll = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _poll = await RoleApp.StartAsync("poll", _settings);
        await _poll.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _poll.DisposeAsync();

    private HttpClient Client => _poll.Client;

    private async Task<HttpResponseMessage> PostAdminAsync(string path, object? body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task Poll_management_needs_the_admin_token_401_without_403_wrong()
    {
        var body = new { question = "Q?", options = new[] { "A", "B" } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAdminAsync("/api/polls", body, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAdminAsync("/api/polls", body, "wrong-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAdminAsync("/api/polls", body, TestEnvironment.AdminToken)).StatusCode);
        var poll = await Api.CreatePollAsync(Client, "Close me?", "Yes", "No");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAdminAsync($"/api/polls/{poll.Id}/close", null, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAdminAsync($"/api/polls/{poll.Id}/close", null, "nope")).StatusCode);
        Assert.False((await Client.GetFromJsonAsync<PollDefinition>($"/api/polls/{poll.Id}"))!.Closed);
    }

    [Fact]
    public async Task A_created_poll_is_listed_and_votable_at_once_then_closed_refuses_votes_with_409()
    {
        var poll = await Api.CreatePollAsync(Client, "Tea or coffee?", "Tea", "Coffee");
        Assert.Equal(["tea", "coffee"], poll.Options.Select(o => o.Id));
        var listed = await Client.GetFromJsonAsync<PollDefinition[]>("/api/polls");
        Assert.Contains(listed!, p => p.Id == poll.Id);
        Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(Client, poll.Id, "tea")).StatusCode);

        var closed = await PostAdminAsync($"/api/polls/{poll.Id}/close", null, TestEnvironment.AdminToken);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.True((await closed.Content.ReadFromJsonAsync<PollDefinition>())!.Closed);
        var refused = await Api.VoteAsync(Client, poll.Id, "tea");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAdminAsync("/api/polls/nope/close", null, TestEnvironment.AdminToken)).StatusCode);
    }

    [Fact]
    public async Task Unknown_poll_is_404_and_unknown_option_is_422()
    {
        var poll = await Api.CreatePollAsync(Client, "Q?", "A", "B");
        Assert.Equal(HttpStatusCode.NotFound, (await Api.VoteAsync(Client, "no-such-poll", "a")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Api.VoteAsync(Client, poll.Id, "zzz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/polls/no-such-poll")).StatusCode);
    }

    [Fact]
    public async Task The_first_vote_issues_an_httponly_lax_voter_cookie_and_a_malformed_one_is_replaced()
    {
        var poll = await Api.CreatePollAsync(Client, "Q?", "A", "B");
        var first = await Api.VoteAsync(Client, poll.Id, "a");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("voter=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var voter = Api.IssuedVoter(first)!;
        Assert.Matches("^[0-9a-f]{32}\\.[A-Za-z0-9_-]{22}$", voter);

        var again = await Api.VoteAsync(Client, poll.Id, "b", voter);
        Assert.Null(Api.IssuedVoter(again));

        foreach (var forged in new[] { "admin", "' OR 1=1 --", new string('a', 31), Guid.Empty.ToString("N"), Guid.NewGuid().ToString() })
        {
            var replaced = await Api.VoteAsync(Client, poll.Id, "a", forged);
            Assert.Equal(HttpStatusCode.Accepted, replaced.StatusCode);
            var issued = Api.IssuedVoter(replaced);
            Assert.NotNull(issued);
            Assert.NotEqual(forged, issued);
        }
    }

    [Fact]
    public async Task Each_vote_is_one_stream_entry_with_poll_option_voter_and_time()
    {
        var poll = await Api.CreatePollAsync(Client, "Q?", "A", "B");
        var voter = Api.NewVoter();
        Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(Client, poll.Id, "b", voter)).StatusCode);
        var redis = _poll.Service<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        var entries = await redis.StreamRangeAsync(_settings.StreamKey);
        var entry = Assert.Single(entries);
        var fields = entry.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString());
        Assert.Equal(poll.Id, fields["p"]);
        Assert.Equal("b", fields["o"]);
        Assert.Equal(voter[..32], fields["v"]);
        Assert.InRange(long.Parse(fields["t"], System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_poll_created_through_one_poll_process_is_votable_through_another_within_about_a_second()
    {
        await using var other = await RoleApp.StartAsync("poll", _settings, new Dictionary<string, string?> { ["Voting:CatalogRefreshMilliseconds"] = "1000" });
        await other.WaitUntilReadyAsync();
        var poll = await Api.CreatePollAsync(Client, "Across processes?", "Yes", "No");
        var started = DateTime.UtcNow;
        await Eventually.WaitAsync(async () => (await Api.VoteAsync(other.Client, poll.Id, "yes")).StatusCode == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(3), "the other process to accept votes for the new poll");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5));

        await PostAdminAsync($"/api/polls/{poll.Id}/close", null, TestEnvironment.AdminToken);
        await Eventually.WaitAsync(async () => (await Api.VoteAsync(other.Client, poll.Id, "yes")).StatusCode == HttpStatusCode.Conflict,
            TimeSpan.FromSeconds(3), "the other process to refuse votes for the closed poll");
    }

    [Fact]
    public async Task When_redis_cannot_take_a_vote_the_answer_is_503_with_retry_after_quickly()
    {
        var unreachable = _settings with { Redis = $"127.0.0.1:{AppProcess.FreePort()},connectTimeout=500" };
        await using var poll = await RoleApp.StartAsync("poll", unreachable);
        var created = await Api.CreatePollAsync(Client, "Q?", "A", "B");
        await Eventually.WaitAsync(async () => (await poll.Client.GetAsync($"/api/polls/{created.Id}")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(10), "the poll to reach the catalog");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var response = await Api.VoteAsync(poll.Client, created.Id, "a");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await poll.Client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await poll.Client.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("text/plain", """{"optionId":"a"}""", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "null", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{", HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{"optionId":"a","optionId":"b"}""", HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{"optionId":5}""", HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{}""", HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{"optionId":"../../etc"}""", HttpStatusCode.UnprocessableEntity)]
    public async Task Malformed_vote_bodies_get_their_4xx_as_problem_details(string contentType, string body, HttpStatusCode expected)
    {
        var poll = await Api.CreatePollAsync(Client, "Q?", "A", "B");
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await Client.PostAsync($"/api/polls/{poll.Id}/votes", content);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_vote_body_over_a_few_KiB_is_413()
    {
        var poll = await Api.CreatePollAsync(Client, "Q?", "A", "B");
        var body = $$"""{"optionId":"{{new string('a', 10_000)}}"}""";
        var response = await Client.PostAsync($"/api/polls/{poll.Id}/votes", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_vote_page_is_a_form_with_antiforgery_and_one_button_per_option()
    {
        var poll = await Api.CreatePollAsync(Client, "Lunch <today>?", "Pizza & pasta", "Soup");
        var html = await Client.GetStringAsync($"/polls/{poll.Id}");
        Assert.Contains("Lunch &lt;today&gt;?", html);
        Assert.Contains("Pizza &amp; pasta", html);
        Assert.Contains($"""action="/polls/{poll.Id}" """.TrimEnd(), html);
        Assert.Contains("name=\"__vt\"", html);
        Assert.Contains("data-option-id=\"pizza-pasta\"", html);
        Assert.Contains("data-option-id=\"soup\"", html);
        var home = await Client.GetStringAsync("/");
        Assert.Contains($"href=\"/polls/{poll.Id}\"", home);
    }
}

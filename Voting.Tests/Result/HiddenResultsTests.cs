using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Voting.Tests.Result;

/// <summary>
/// Results the presenter holds back: while hidden, the API and the hub give the number of votes and
/// nothing per option (the organiser's Bearer token sees everything); a reveal, or the close of a
/// poll shown when closed, reaches every subscriber with no vote needed (how soon is printed; the
/// bench holds the latency).
/// </summary>
public sealed class HiddenResultsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Settings _settings = null!;
    private RoleApp _app = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _app = await RoleApp.StartAsync("poll,worker,result", _settings, new Dictionary<string, string?>
        {
            ["Voting:RateLimits:PerVoterPerMinute"] = "0",
            ["Voting:RateLimits:PerAddressPerSecond"] = "0",
            ["Voting:RateLimits:NewVotersPerAddressPerMinute"] = "0",
        });
        await _app.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client => _app.Client;

    private async Task<JsonElement> CreateAsync(string body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/polls", body, TestEnvironment.AdminToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await Client.SendAsync(request);
    }

    private async Task<JsonElement> ResultsAsync(string pollId, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/results/{pollId}", token: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task VoteAsync(string pollId, params string[] optionIds)
    {
        foreach (var optionId in optionIds)
        {
            using var vote = await Api.VoteAsync(Client, pollId, optionId, Api.NewVoter());
            Assert.Equal(HttpStatusCode.Accepted, vote.StatusCode);
        }
    }

    /// <summary>A hidden answer has no per-option figure anywhere in it.</summary>
    private static void AssertNoCounts(JsonElement hidden)
    {
        Assert.True(hidden.GetProperty("hidden").GetBoolean());
        Assert.False(hidden.TryGetProperty("options", out _), hidden.GetRawText());
        Assert.DoesNotContain("votes", hidden.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Hidden_results_give_the_total_only_and_the_organiser_sees_everything_until_reveal_and_after_hide()
    {
        var poll = await CreateAsync("""{"question":"Which?","options":["Red","Blue"],"resultsVisibility":"revealed"}""");
        var id = poll.GetProperty("id").GetString()!;
        Assert.Equal("revealed", poll.GetProperty("resultsVisibility").GetString());
        Assert.False(poll.GetProperty("resultsVisible").GetBoolean());
        await VoteAsync(id, "red", "red", "blue");

        var hidden = await Eventually.WaitAsync(() => ResultsAsync(id), r => r.GetProperty("total").GetInt64() == 3, TimeSpan.FromSeconds(10), "three votes counted");
        AssertNoCounts(hidden);
        Assert.Equal(id, hidden.GetProperty("pollId").GetString());
        Assert.Equal("Which?", hidden.GetProperty("question").GetString());
        Assert.True(hidden.TryGetProperty("asOf", out _));

        var organiser = await ResultsAsync(id, TestEnvironment.AdminToken);
        Assert.True(organiser.GetProperty("hidden").GetBoolean());
        Assert.Equal([2L, 1L], organiser.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt64()));
        using (var wrong = await SendAsync(HttpMethod.Get, $"/api/results/{id}", token: "not-the-token"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            Assert.DoesNotContain("\"options\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var reveal = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/reveal", token: TestEnvironment.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, reveal.StatusCode);
        }
        var shown = await ResultsAsync(id);
        Assert.False(shown.GetProperty("hidden").GetBoolean());
        Assert.Equal([2L, 1L], shown.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt64()));
        Assert.True((await Client.GetFromJsonAsync<JsonElement>($"/api/polls/{id}")).GetProperty("resultsVisible").GetBoolean());

        // Hiding works whatever the mode: an "always" poll too.
        using (var hide = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/hide", token: TestEnvironment.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, hide.StatusCode);
        }
        AssertNoCounts(await ResultsAsync(id));
        var always = (await CreateAsync("""{"question":"Open?","options":["Yes","No"]}""")).GetProperty("id").GetString()!;
        Assert.False((await ResultsAsync(always)).GetProperty("hidden").GetBoolean());
        using (var hideAlways = await SendAsync(HttpMethod.Post, $"/api/polls/{always}/hide", token: TestEnvironment.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, hideAlways.StatusCode);
        }
        AssertNoCounts(await ResultsAsync(always));
        Assert.False((await Client.GetFromJsonAsync<JsonElement>($"/api/polls/{always}")).GetProperty("resultsVisible").GetBoolean());
    }

    [Fact]
    public async Task The_pages_of_a_hidden_poll_carry_no_count()
    {
        var id = (await CreateAsync("""{"question":"Which?","options":["Red","Blue"],"resultsVisibility":"closed"}""")).GetProperty("id").GetString()!;
        await VoteAsync(id, "red", "red", "red", "blue");
        await Eventually.WaitAsync(() => ResultsAsync(id), r => r.GetProperty("total").GetInt64() == 4, TimeSpan.FromSeconds(10), "four votes counted");
        foreach (var page in new[] { $"/results/{id}", $"/results/{id}/present" })
        {
            var html = await Client.GetStringAsync(page);
            // 3 of 4 and 1 of 4: neither share, nor the count of either, may appear.
            Assert.DoesNotContain("75%", html, StringComparison.Ordinal);
            Assert.DoesNotContain("25%", html, StringComparison.Ordinal);
            Assert.DoesNotContain(">3<", html, StringComparison.Ordinal);
            Assert.DoesNotContain("\"3\"", html, StringComparison.Ordinal);
            Assert.Contains("Which?", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Subscribers_get_totals_only_while_hidden_and_the_full_snapshot_on_the_reveal()
    {
        var id = (await CreateAsync("""{"question":"Which?","options":["Red","Blue"],"resultsVisibility":"revealed"}""")).GetProperty("id").GetString()!;
        var (hub, received) = await SubscribeAsync(id);
        await using var _ = hub;
        await VoteAsync(id, "red", "blue", "blue");
        await Eventually.WaitAsync(() => received.LastOrDefault() is { } last && last.Json.GetProperty("total").GetInt64() == 3, TimeSpan.FromSeconds(10), "a push with three votes");
        Assert.All(received, m => AssertNoCounts(m.Json));

        using (var reveal = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/reveal", token: TestEnvironment.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, reveal.StatusCode);
        }
        var revealed = Stopwatch.GetTimestamp();
        var full = await Eventually.WaitAsync(() => Task.FromResult(received.LastOrDefault()), m => m is not null && !m.Json.GetProperty("hidden").GetBoolean(),
            TimeSpan.FromSeconds(5), "the revealed snapshot");
        // How soon is printed, not asserted: the push latency is the bench's to hold, on a quiet machine.
        output.WriteLine($"the reveal reached the subscriber after {(full!.At - revealed) * 1000 / Stopwatch.Frequency} ms");
        Assert.Equal([1L, 2L], full.Json.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt64()));
    }

    [Fact]
    public async Task A_poll_shown_when_closed_is_pushed_in_full_when_its_timer_runs_out_with_no_vote_arriving()
    {
        var created = await CreateAsync("""{"question":"Which?","options":["Red","Blue"],"resultsVisibility":"closed","durationSeconds":10}""");
        var id = created.GetProperty("id").GetString()!;
        var closesAt = created.GetProperty("closesAt").GetDateTimeOffset();
        await VoteAsync(id, "red", "red");
        var (hub, received) = await SubscribeAsync(id);
        await using var _ = hub;
        await Eventually.WaitAsync(() => received.LastOrDefault() is { } last && last.Json.GetProperty("total").GetInt64() == 2, TimeSpan.FromSeconds(10), "a push with two votes");
        var votesBefore = received.Count;

        var full = await Eventually.WaitAsync(() => Task.FromResult(received.LastOrDefault()), m => m is not null && !m.Json.GetProperty("hidden").GetBoolean(),
            closesAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5), "the snapshot when the timer runs out");
        // Shown at the close, never before (how soon after is printed); all messages before it were hidden.
        Assert.True(full!.Received >= closesAt, $"the full snapshot came {closesAt - full.Received} before the close");
        output.WriteLine($"the full snapshot reached the subscriber {(full.Received - closesAt).TotalMilliseconds:F0} ms after the close");
        Assert.True(full.Json.GetProperty("closed").GetBoolean());
        Assert.Equal([2L, 0L], full.Json.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt64()));
        Assert.All(received.Take(received.Count - 1), m => AssertNoCounts(m.Json));
        Assert.True(received.Count >= votesBefore);
        // And a vote now is refused.
        using var late = await Api.VoteAsync(Client, id, "blue", Api.NewVoter());
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    private sealed record Message(JsonElement Json, long At, DateTimeOffset Received);

    private async Task<(HubConnection Hub, ConcurrentQueue<Message> Received)> SubscribeAsync(string pollId)
    {
        var received = new ConcurrentQueue<Message>();
        var hub = new HubConnectionBuilder().WithUrl(new Uri(_app.Address, "/hubs/results")).Build();
        hub.On<JsonElement>("results", r => received.Enqueue(new Message(r.Clone(), Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow)));
        await hub.StartAsync();
        await hub.InvokeAsync("Subscribe", pollId);
        return (hub, received);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Voting.Storage;
using Voting.Tests.Infrastructure;
using static Voting.Tests.Events.EventClient;

namespace Voting.Tests.Events;

/// <summary>Events through the roles as they run: codes, polls in order, live switching on the API and the hub, closing.</summary>
public sealed partial class EventApiTests : IAsyncLifetime
{
    internal static readonly string[] EveryType =
    [
        """{"question":"Tea or coffee?","options":["Tea","Coffee"]}""",
        """{"question":"Which languages?","type":"multiple","options":["C#","F#","Go"],"maxChoices":2}""",
        """{"question":"How was the talk?","type":"rating","scale":{"min":1,"max":5,"minLabel":"Poor","maxLabel":"Great"}}""",
        """{"question":"One word for today?","type":"words","maxWords":2}""",
    ];

    private static readonly string[] Ballots = ["""{"optionId":"tea"}""", """{"optionIds":["csharp","go"]}""", """{"rating":4}""", """{"words":["Fast"]}"""];

    private Settings _settings = null!;
    private RoleApp _app = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _app = await RoleApp.StartAsync("poll,worker,result", _settings);
        await _app.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client => _app.Client;

    [Fact]
    public async Task A_new_event_has_a_six_character_code_without_look_alikes_read_in_any_case_with_its_polls_in_creation_order()
    {
        var (id, code) = await CreateAsync(Client, "Friday all-hands");
        Assert.Matches("^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$", code);
        var polls = new List<string>();
        foreach (var body in EveryType)
        {
            polls.Add(await AddPollAsync(Client, id, body));
        }
        foreach (var asked in new[] { code, code.ToLowerInvariant(), $" {code[..3].ToLowerInvariant()}-{code[3..]} " })
        {
            using var response = await Client.GetAsync($"/api/events/{Uri.EscapeDataString(asked)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var view = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(id, view.GetProperty("id").GetString());
            Assert.Equal(code, view.GetProperty("code").GetString());
            Assert.Equal("Friday all-hands", view.GetProperty("title").GetString());
            Assert.Equal(JsonValueKind.Null, view.GetProperty("livePollId").ValueKind);
            Assert.Equal(polls, view.GetProperty("polls").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
            Assert.Equal("Tea or coffee?", view.GetProperty("polls")[0].GetProperty("question").GetString());
        }
    }

    [Fact]
    public async Task Switching_the_live_poll_reaches_a_subscriber_at_once_with_the_poll_as_the_api_shows_it_and_the_api_follows()
    {
        var (id, code) = await CreateAsync(Client, "Switching");
        var first = await AddPollAsync(Client, id, EveryType[0]);
        var second = await AddPollAsync(Client, id, EveryType[2]);
        await using var follower = await FollowAsync(_app.Address, code.ToLowerInvariant());
        var waiting = await follower.WaitForLiveAsync(null);
        Assert.Equal(code, waiting.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("poll").ValueKind);

        foreach (var pollId in new[] { first, second, null, first })
        {
            Assert.Equal(HttpStatusCode.NoContent, await SetLiveAsync(Client, id, pollId));
            var message = await follower.WaitForLiveAsync(pollId, TimeSpan.FromSeconds(10));
            if (pollId is null)
            {
                Assert.Equal(JsonValueKind.Null, message.GetProperty("poll").ValueKind);
            }
            else
            {
                var api = await Client.GetFromJsonAsync<JsonNode>($"/api/polls/{pollId}");
                Assert.True(JsonNode.DeepEquals(api, JsonNode.Parse(message.GetProperty("poll").GetRawText())), $"{api} vs {message.GetProperty("poll")}");
            }
            var view = await Client.GetFromJsonAsync<JsonElement>($"/api/events/{code}");
            Assert.Equal(pollId, view.GetProperty("livePollId").GetString());
        }
        // One message per switch, the first at once: nothing doubled, nothing missed.
        Assert.Equal([null, first, second, null, first], follower.Events.Select(Follower.Live));
    }

    [Fact]
    public async Task A_live_polls_timer_and_close_reach_the_phones_at_once_and_when_the_timer_runs_out()
    {
        var (id, code) = await CreateAsync(Client, "Timers");
        var timed = await AddPollAsync(Client, id, EveryType[0]);
        var closing = await AddPollAsync(Client, id, EveryType[3]);
        // A phone follows without results: the event message is all it gets, so it must carry the state.
        await using var phone = await FollowAsync(_app.Address, code, withResults: false);
        Assert.Equal(HttpStatusCode.NoContent, await SetLiveAsync(Client, id, timed));
        var live = await phone.WaitForLiveAsync(timed, TimeSpan.FromSeconds(10));
        Assert.Equal(JsonValueKind.Null, live.GetProperty("poll").GetProperty("closesAt").ValueKind);

        // The presenter starts the timer while the question is live: the phones get its closing time.
        using (var timer = await PostAsync(Client, $"/api/polls/{timed}/timer", """{"seconds":10}"""))
        {
            Assert.Equal(HttpStatusCode.OK, timer.StatusCode);
        }
        var counting = await WaitForPollAsync(phone, p => p.GetProperty("closesAt").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(10), "the timer's closing time");
        var closesAt = counting.GetProperty("closesAt").GetDateTimeOffset();
        Assert.False(counting.GetProperty("closed").GetBoolean());
        Assert.Equal(closesAt, (await Client.GetFromJsonAsync<JsonElement>($"/api/polls/{timed}")).GetProperty("closesAt").GetDateTimeOffset());

        // It runs out with no vote and no switch: the phones are told the question closed, never before.
        var ran = await WaitForPollAsync(phone, p => p.GetProperty("closed").GetBoolean(), closesAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10), "the close when the timer ran out");
        Assert.True(DateTimeOffset.UtcNow >= closesAt);
        Assert.Equal(timed, ran.GetProperty("id").GetString());

        // The organiser closes a live question by hand: the same.
        Assert.Equal(HttpStatusCode.NoContent, await SetLiveAsync(Client, id, closing));
        await phone.WaitForLiveAsync(closing, TimeSpan.FromSeconds(10));
        using (var close = await PostAsync(Client, $"/api/polls/{closing}/close", null))
        {
            Assert.True(close.IsSuccessStatusCode, $"close: {close.StatusCode}");
        }
        var closed = await WaitForPollAsync(phone, p => p.GetProperty("id").GetString() == closing && p.GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(10), "the organiser's close");
        Assert.Equal(closing, closed.GetProperty("id").GetString());
        // Every message named the poll that was live when it was sent: a change of state is no switch.
        Assert.Equal([null, timed, timed, timed, closing, closing], phone.Events.Select(Follower.Live));
    }

    [Fact]
    public async Task The_event_field_of_a_vote_form_leads_back_only_to_a_well_formed_code_and_never_fails_the_vote()
    {
        var (id, code) = await CreateAsync(Client, "Forms");
        var poll = await AddPollAsync(Client, id, EveryType[0]);
        Assert.Equal(HttpStatusCode.NoContent, await SetLiveAsync(Client, id, poll));
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _app.Address };
        using var page = await client.GetAsync($"/e/{code}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"""<input type="hidden" name="event" value="{code}">""", html);
        var token = WebUtility.HtmlDecode(FormToken().Match(html).Groups[1].Value);
        var cookie = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

        async Task<(HttpStatusCode Status, string Html)> PostAsync(string option, params string[] events)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, $"/polls/{poll}")
            {
                Content = new FormUrlEncodedContent([new("__vt", token), new("optionId", option), .. events.Select(e => new KeyValuePair<string, string>("event", e))]),
            };
            post.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(post);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // The code as typed anywhere (case, a dash) leads to the event's one address.
        var typed = await PostAsync("tea", $"{code[..3].ToLowerInvariant()}-{code[3..]}");
        Assert.Equal(HttpStatusCode.OK, typed.Status);
        Assert.Contains($"""href="/e/{code}" data-back-to-event""", typed.Html);
        // A refused ballot keeps the way back, and the field in its form.
        var refused = await PostAsync("nope", code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains($"""href="/e/{code}" data-back-to-event""", refused.Html);
        Assert.Contains($"""name="event" value="{code}">""", refused.Html);
        // Anything that is no code, or two of them: the vote counts, and no link is drawn from it.
        foreach (var events in new[] { ["<script>alert(1)</script>"], [new string('A', 5_000)], ["../admin"], [code, code], Array.Empty<string>() })
        {
            var (status, body) = await PostAsync("coffee", events);
            Assert.True(status == HttpStatusCode.OK, $"{string.Join(",", events.Select(e => e[..Math.Min(e.Length, 20)]))}: {status}");
            Assert.DoesNotContain("data-back-to-event", body);
            Assert.DoesNotContain("<script>alert", body);
        }
    }

    [GeneratedRegex("name=\"__vt\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private static async Task<JsonElement> WaitForPollAsync(Follower follower, Func<JsonElement, bool> state, TimeSpan timeout, string what)
    {
        var message = await Eventually.WaitAsync(() => Task.FromResult(follower.Events.LastOrDefault()),
            e => e.ValueKind == JsonValueKind.Object && e.GetProperty("poll").ValueKind == JsonValueKind.Object && state(e.GetProperty("poll")), timeout, what);
        return message.GetProperty("poll");
    }

    [Fact]
    public async Task An_event_of_every_type_shows_each_poll_and_its_results_to_subscribers_and_votes_count()
    {
        var (id, code) = await CreateAsync(Client, "Every type");
        var polls = new List<string>();
        foreach (var body in EveryType)
        {
            polls.Add(await AddPollAsync(Client, id, body));
        }
        await using var presenter = await FollowAsync(_app.Address, code);
        await using var phone = await FollowAsync(_app.Address, code, withResults: false);
        string[] types = ["single", "multiple", "rating", "words"];
        for (var i = 0; i < polls.Count; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, await SetLiveAsync(Client, id, polls[i]));
            var message = await phone.WaitForLiveAsync(polls[i]);
            var type = message.GetProperty("poll").TryGetProperty("type", out var t) ? t.GetString() : "single";
            Assert.Equal(types[i], type);
            await presenter.WaitForLiveAsync(polls[i]);
            using var vote = await PostAsync(Client, $"/api/polls/{polls[i]}/votes", Ballots[i], admin: false);
            Assert.Equal(HttpStatusCode.Accepted, vote.StatusCode);
            var pushed = await Eventually.WaitAsync(() => Task.FromResult(presenter.Results.LastOrDefault()),
                r => r.ValueKind == JsonValueKind.Object && r.GetProperty("pollId").GetString() == polls[i] && r.GetProperty("total").GetInt64() == 1,
                TimeSpan.FromSeconds(10), $"the {types[i]} poll's results with the vote");
            Assert.Equal(types[i], pushed.GetProperty("type").GetString());
        }
        var words = presenter.Results.Last().GetProperty("words");
        Assert.Equal("fast", words[0].GetProperty("text").GetString());
        Assert.Empty(phone.Results);
    }

    [Fact]
    public async Task A_closed_event_is_404_by_code_refuses_switches_and_new_polls_and_tells_its_phones()
    {
        var (id, code) = await CreateAsync(Client, "Short one");
        var poll = await AddPollAsync(Client, id, EveryType[0]);
        Assert.Equal(HttpStatusCode.NoContent, await SetLiveAsync(Client, id, poll));
        await using var phone = await FollowAsync(_app.Address, code, withResults: false);
        await phone.WaitForLiveAsync(poll);

        using (var closed = await PostAsync(Client, $"/api/events/{id}/close", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
        }
        var last = await Eventually.WaitAsync(() => Task.FromResult(phone.Events.LastOrDefault()),
            e => e.TryGetProperty("closed", out var c) && c.GetBoolean(), TimeSpan.FromSeconds(5), "the end of the event");
        Assert.Equal(JsonValueKind.Null, last.GetProperty("livePollId").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/events/{code}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, await SetLiveAsync(Client, id, poll));
        using (var added = await PostAsync(Client, "/api/polls", $$"""{"question":"Late?","options":["A","B"],"eventId":"{{id}}"}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, added.StatusCode);
        }
        await Assert.ThrowsAsync<HubException>(() => FollowAsync(_app.Address, code));
        // Closing twice is no error; the event's polls and their results stay.
        using (var again = await PostAsync(Client, $"/api/events/{id}/close", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/polls/{poll}")).StatusCode);
    }

    [Fact]
    public async Task Unknown_codes_are_404_on_the_api_and_refused_by_the_hub()
    {
        foreach (var code in new[] { "ZZZZZZ", "abc", "0OOOOO", "ABCDEFG", "I1L0O2", "%20", "ÄBCDEF", new string('A', 300) })
        {
            using var response = await Client.GetAsync($"/api/events/{Uri.EscapeDataString(code)}");
            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{code}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        await Assert.ThrowsAsync<HubException>(() => FollowAsync(_app.Address, "ZZZZZZ"));
        await Assert.ThrowsAsync<HubException>(() => FollowAsync(_app.Address, "not a code"));
    }

    [Fact]
    public async Task A_poll_of_another_event_or_none_cannot_go_live()
    {
        var (one, _) = await CreateAsync(Client, "One");
        var (other, _) = await CreateAsync(Client, "Other");
        var theirs = await AddPollAsync(Client, other, EveryType[0]);
        var loose = (await Api.CreatePollAsync(Client, "No event?", "A", "B")).Id;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await SetLiveAsync(Client, one, theirs));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await SetLiveAsync(Client, one, loose));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await SetLiveAsync(Client, one, "nope"));
        Assert.Equal(HttpStatusCode.NotFound, await SetLiveAsync(Client, "nope", theirs));
    }

    [Fact]
    public async Task Codes_are_unique_among_open_events_and_a_closed_events_code_may_come_back()
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(codes.Add((await CreateAsync(Client, $"Event {i}")).Code));
        }
        var store = _app.Service<EventStore>();
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.CreateAsync(new EventDefinition("clash-1", "KKKKKK", "First", null, false, now), CancellationToken.None));
        Assert.False(await store.CreateAsync(new EventDefinition("clash-2", "KKKKKK", "Second", null, false, now), CancellationToken.None));
        Assert.NotNull(await store.CloseAsync("clash-1", now, CancellationToken.None));
        Assert.True(await store.CreateAsync(new EventDefinition("clash-2", "KKKKKK", "Second", null, false, now), CancellationToken.None));
        var view = await Client.GetFromJsonAsync<JsonElement>("/api/events/kkkkkk");
        Assert.Equal("clash-2", view.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_event_csv_has_a_row_per_poll_and_option_in_the_events_order()
    {
        var (id, _) = await CreateAsync(Client, "Export");
        var polls = new List<string>();
        foreach (var body in EveryType)
        {
            polls.Add(await AddPollAsync(Client, id, body));
        }
        for (var i = 0; i < polls.Count; i++)
        {
            using var vote = await PostAsync(Client, $"/api/polls/{polls[i]}/votes", Ballots[i], admin: false);
            Assert.Equal(HttpStatusCode.Accepted, vote.StatusCode);
        }
        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(Client, polls[^1])).Total == 1, TimeSpan.FromSeconds(10), "the last vote counted");
        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(Client, polls[0])).Total == 1, TimeSpan.FromSeconds(10), "the first vote counted");
        using var unauthorised = await Client.GetAsync($"/api/events/{id}/results.csv");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{id}/results.csv");
        request.Headers.Authorization = new("Bearer", TestEnvironment.AdminToken);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        var lines = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("poll_id,question,option_id,label,votes,share", lines[0]);
        // 2 options + 3 options + 5 scale values + 1 word, each poll's rows together and in order.
        Assert.Equal(1 + 2 + 3 + 5 + 1, lines.Length);
        Assert.Equal(polls, lines.Skip(1).Select(l => l.Split(',')[0]).Distinct());
        Assert.Contains($"{polls[0]},Tea or coffee?,tea,Tea,1,1", lines);
        Assert.Contains($"{polls[3]},One word for today?,fast,fast,1,1", lines);
    }
}

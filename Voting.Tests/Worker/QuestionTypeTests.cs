using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Worker;

/// <summary>
/// Multiple choice, rating and words through every role: the API's shapes and 422s, the stream, the
/// worker, the tallies and the results API and hub, with changes of mind, normalised words,
/// moderation, hidden results, entries of the release before, and two workers racing.
/// </summary>
public sealed class QuestionTypeTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

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
            ["Voting:Moderation:BlockedWords"] = "idiot, ＳＰＡＭ ",
        });
        await _app.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IDatabase Redis => _app.Service<IConnectionMultiplexer>().GetDatabase();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, bool admin = false, string? voter = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (admin)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        }
        if (voter is not null)
        {
            request.Headers.Add("Cookie", $"voter={voter}");
        }
        return await _app.Client.SendAsync(request);
    }

    private async Task<JsonElement> CreateAsync(string body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/polls", body, admin: true);
        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<(HttpStatusCode Status, string Body)> VoteAsync(string pollId, string body, string voter)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/polls/{pollId}/votes", body, voter: voter);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AcceptedAsync(string pollId, string body, string voter)
    {
        var (status, answer) = await VoteAsync(pollId, body, voter);
        Assert.True(status == HttpStatusCode.Accepted, $"{body}: {(int)status} {answer}");
    }

    private async Task<JsonElement> ResultsAsync(string pollId, bool admin = false)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/results/{pollId}", admin: admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<JsonElement> ResultsWhenAsync(string pollId, Func<JsonElement, bool> done, string what) =>
        Eventually.WaitAsync(() => ResultsAsync(pollId), done, Wait, what);

    private static Dictionary<string, long> Votes(JsonElement results, string list = "options", string key = "id") =>
        results.GetProperty(list).EnumerateArray().ToDictionary(o => o.GetProperty(key).GetString()!, o => o.GetProperty("votes").GetInt64());

    private static long Total(JsonElement results) => results.GetProperty("total").GetInt64();

    [Fact]
    public async Task Multiple_choice_counts_each_option_once_per_ballot_and_a_change_of_mind_replaces_the_whole_set()
    {
        var poll = await CreateAsync("""{"question":"Which?","type":"multiple","options":["A","B","C"],"maxChoices":2}""");
        var id = poll.GetProperty("id").GetString()!;
        Assert.Equal("multiple", poll.GetProperty("type").GetString());
        Assert.Equal(2, poll.GetProperty("maxChoices").GetInt32());
        var voters = Enumerable.Range(0, 3).Select(_ => Api.NewVoter()).ToArray();

        await AcceptedAsync(id, """{"optionIds":["a","b"]}""", voters[0]);
        await AcceptedAsync(id, """{"optionIds":["b"]}""", voters[1]);
        await AcceptedAsync(id, """{"optionIds":["c","a"]}""", voters[2]);
        await AcceptedAsync(id, """{"optionIds":["c"]}""", voters[0]);

        var results = await ResultsWhenAsync(id, r => Votes(r)["c"] == 2, "the change of mind counted");
        Assert.Equal("multiple", results.GetProperty("type").GetString());
        Assert.Equal(new Dictionary<string, long> { ["a"] = 1, ["b"] = 1, ["c"] = 2 }, Votes(results));
        Assert.Equal(3, Total(results));
        Assert.False(results.TryGetProperty("average", out _));
        Assert.False(results.TryGetProperty("words", out _));

        foreach (var (body, names) in new[]
        {
            ("""{"optionIds":["a","b","c"]}""", "optionIds"),
            ("""{"optionIds":[]}""", "optionIds"),
            ("""{"optionIds":["a","a"]}""", "once"),
            ("""{"optionIds":["a","zzz"]}""", "no such option"),
            ("""{"optionIds":["a",null]}""", "optionIds"),
            ("""{"optionId":"a"}""", "optionIds"),
            ("""{"rating":2}""", "optionIds"),
        })
        {
            var (status, answer) = await VoteAsync(id, body, Api.NewVoter());
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{body}: {(int)status}");
            Assert.Contains(names, answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rating_counts_scale_values_in_order_with_an_average_to_two_decimals()
    {
        var poll = await CreateAsync("""{"question":"How was it?","type":"rating","scale":{"min":0,"max":4,"minLabel":"Awful","maxLabel":"Great"}}""");
        var id = poll.GetProperty("id").GetString()!;
        Assert.Equal(["0", "1", "2", "3", "4"], poll.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.Equal("Great", poll.GetProperty("scale").GetProperty("maxLabel").GetString());

        var empty = await ResultsAsync(id);
        Assert.Equal("rating", empty.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("average").ValueKind);

        var voters = Enumerable.Range(0, 4).Select(_ => Api.NewVoter()).ToArray();
        foreach (var (voter, rating) in voters.Zip(new[] { 4, 4, 2, 0 }))
        {
            await AcceptedAsync(id, $$"""{"rating":{{rating}}}""", voter);
        }
        await AcceptedAsync(id, """{"rating":3}""", voters[3]);
        var results = await ResultsWhenAsync(id, r => Total(r) == 4 && Votes(r)["3"] == 1, "four ballots, one changed");
        Assert.Equal([0L, 0L, 1L, 1L, 2L], results.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("votes").GetInt64()));
        Assert.Equal(3.25m, results.GetProperty("average").GetDecimal());

        foreach (var (body, status) in new[]
        {
            ("""{"rating":5}""", HttpStatusCode.UnprocessableEntity),
            ("""{"rating":-1}""", HttpStatusCode.UnprocessableEntity),
            ("""{"optionId":"4"}""", HttpStatusCode.UnprocessableEntity),
            ("""{"rating":null}""", HttpStatusCode.UnprocessableEntity),
            ("""{"rating":"4"}""", HttpStatusCode.BadRequest),
            ("""{"rating":3.5}""", HttpStatusCode.BadRequest),
        })
        {
            var (got, answer) = await VoteAsync(id, body, Api.NewVoter());
            Assert.True(status == got, $"{body}: {(int)got} {answer}");
            if (got == HttpStatusCode.UnprocessableEntity)
            {
                Assert.Contains("rating", answer, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Words_are_normalised_counted_once_per_ballot_and_hidden_and_shown_again_by_the_organiser()
    {
        var poll = await CreateAsync("""{"question":"In a word?","type":"words","maxWords":3}""");
        var id = poll.GetProperty("id").GetString()!;
        Assert.Equal(3, poll.GetProperty("maxWords").GetInt32());
        Assert.Empty(poll.GetProperty("options").EnumerateArray());
        var (hub, pushes) = await SubscribeAsync(id);
        await using var _ = hub;
        var voters = Enumerable.Range(0, 3).Select(_ => Api.NewVoter()).ToArray();

        await AcceptedAsync(id, """{"words":["Ｆａｓｔ ","simple \u3000 API"]}""", voters[0]);
        await AcceptedAsync(id, """{"words":["fast"]}""", voters[1]);
        await AcceptedAsync(id, """{"words":["FAST","  fast  ","Docs"]}""", voters[2]);
        var results = await ResultsWhenAsync(id, r => Total(r) == 3, "three ballots");
        Assert.Equal("words", results.GetProperty("type").GetString());
        Assert.Equal(["fast", "docs", "simple api"], results.GetProperty("words").EnumerateArray().Select(w => w.GetProperty("text").GetString()));
        Assert.Equal(new Dictionary<string, long> { ["fast"] = 3, ["docs"] = 1, ["simple api"] = 1 }, Votes(results, "words", "text"));

        // A change of mind replaces the voter's words.
        await AcceptedAsync(id, """{"words":["docs"]}""", voters[1]);
        results = await ResultsWhenAsync(id, r => Votes(r, "words", "text")["docs"] == 2, "the change of mind");
        Assert.Equal(new Dictionary<string, long> { ["fast"] = 2, ["docs"] = 2, ["simple api"] = 1 }, Votes(results, "words", "text"));

        // Hidden by the organiser, as typed any way: gone from the API and the hub's next push, the total kept.
        using (var hide = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/words/hide", """{"text":" FAST"}""", admin: true))
        {
            Assert.Equal(HttpStatusCode.NoContent, hide.StatusCode);
        }
        results = await ResultsAsync(id);
        Assert.Equal(new Dictionary<string, long> { ["docs"] = 2, ["simple api"] = 1 }, Votes(results, "words", "text"));
        Assert.Equal(3, Total(results));
        await Eventually.WaitAsync(() => pushes.TryPeekLast() is { } last && last.Contains("docs", StringComparison.Ordinal) && !last.Contains("fast", StringComparison.Ordinal), Wait, "a push without the hidden word");

        using (var unhide = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/words/unhide", """{"text":"fast"}""", admin: true))
        {
            Assert.Equal(HttpStatusCode.NoContent, unhide.StatusCode);
        }
        Assert.Equal(2, Votes(await ResultsAsync(id), "words", "text")["fast"]);
        await Eventually.WaitAsync(() => pushes.TryPeekLast() is { } last && last.Contains("\"fast\"", StringComparison.Ordinal), Wait, "a push with the word back");

        foreach (var (body, names) in new[]
        {
            ("""{"words":["a","b","c","d"]}""", "words"),
            ("""{"words":[]}""", "words"),
            ("""{"words":["   "]}""", "words"),
            ("""{"words":["a\u0007b"]}""", "control"),
            ($$"""{"words":["{{new string('x', 31)}}"]}""", "30"),
            ("""{"words":["a\u202Eb"]}""", "words"),
            ("""{"optionId":"fast"}""", "words"),
        })
        {
            var (status, answer) = await VoteAsync(id, body, Api.NewVoter());
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{body}: {(int)status} {answer}");
            Assert.Contains(names, answer, StringComparison.Ordinal);
        }
        await AcceptedAsync(id, $$"""{"words":["{{new string('x', 30)}}"]}""", Api.NewVoter());
    }

    [Fact]
    public async Task Blocked_words_stay_out_of_results_pushes_and_the_csv_until_the_organiser_shows_them()
    {
        var id = (await CreateAsync("""{"question":"One word for the talk?","type":"words"}""")).GetProperty("id").GetString()!;
        var (hub, pushes) = await SubscribeAsync(id);
        await using var _ = hub;
        await AcceptedAsync(id, """{"words":["Idiot","fast"]}""", Api.NewVoter());
        await AcceptedAsync(id, """{"words":["big  IDIOT","spam","idiots"]}""", Api.NewVoter());
        await AcceptedAsync(id, """{"words":["fast"]}""", Api.NewVoter());

        // "idiot" and "spam" are blocked as the list was written (full width, capitals), and so is a
        // word of which one part is blocked; "idiots" is another word. The ballots all count.
        var results = await ResultsWhenAsync(id, r => Total(r) == 3, "three ballots");
        Assert.Equal(new Dictionary<string, long> { ["fast"] = 2, ["idiots"] = 1 }, Votes(results, "words", "text"));
        await Eventually.WaitAsync(() => pushes.TryPeekLast() is { } last && last.Contains("\"idiots\"", StringComparison.Ordinal), Wait, "a push with the three ballots");
        Assert.DoesNotContain("\"idiot\"", pushes.TryPeekLast(), StringComparison.Ordinal);
        Assert.DoesNotContain("spam", pushes.TryPeekLast(), StringComparison.Ordinal);
        var csv = await CsvAsync(id);
        Assert.Contains("fast", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("spam", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("big idiot", csv, StringComparison.Ordinal);

        // The organiser's list shows them, hidden by the list, so they can be shown.
        var listed = (await _app.Service<Voting.Storage.SubmittedWords>().ReadAsync(id, CancellationToken.None)).Words.ToDictionary(w => w.Text);
        Assert.True(listed["idiot"] is { Hidden: true, Blocked: true, Votes: 1 });
        Assert.True(listed["big idiot"] is { Hidden: true, Blocked: true });
        Assert.True(listed["fast"] is { Hidden: false, Blocked: false, Votes: 2 });

        // The organiser's Unhide beats the list, with the count kept; Hide keeps it hidden again.
        using (var unhide = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/words/unhide", """{"text":"IDIOT"}""", admin: true))
        {
            Assert.Equal(HttpStatusCode.NoContent, unhide.StatusCode);
        }
        Assert.Equal(new Dictionary<string, long> { ["fast"] = 2, ["idiot"] = 1, ["idiots"] = 1 }, Votes(await ResultsAsync(id), "words", "text"));
        Assert.Contains("idiot,", await CsvAsync(id), StringComparison.Ordinal);
        await Eventually.WaitAsync(() => pushes.TryPeekLast() is { } last && last.Contains("\"idiot\"", StringComparison.Ordinal), Wait, "a push with the shown word");
        listed = (await _app.Service<Voting.Storage.SubmittedWords>().ReadAsync(id, CancellationToken.None)).Words.ToDictionary(w => w.Text);
        Assert.True(listed["idiot"] is { Hidden: false, Blocked: false });

        using (var hide = await SendAsync(HttpMethod.Post, $"/api/polls/{id}/words/hide", """{"text":"idiot"}""", admin: true))
        {
            Assert.Equal(HttpStatusCode.NoContent, hide.StatusCode);
        }
        Assert.False(Votes(await ResultsAsync(id), "words", "text").ContainsKey("idiot"));
        listed = (await _app.Service<Voting.Storage.SubmittedWords>().ReadAsync(id, CancellationToken.None)).Words.ToDictionary(w => w.Text);
        Assert.True(listed["idiot"] is { Hidden: true, Blocked: false, Votes: 1 });
    }

    private async Task<string> CsvAsync(string pollId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/polls/{pollId}/results.csv", admin: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Word_moderation_is_for_the_organiser_and_for_words_polls_only()
    {
        var words = (await CreateAsync("""{"question":"In a word?","type":"words"}""")).GetProperty("id").GetString()!;
        var single = (await CreateAsync("""{"question":"Q?","options":["A","B"]}""")).GetProperty("id").GetString()!;
        (string Path, string? Body, bool Admin, HttpStatusCode Expected)[] table =
        [
            ($"/api/polls/{words}/words/hide", """{"text":"x"}""", false, HttpStatusCode.Unauthorized),
            ($"/api/polls/{words}/words/hide", "{}", true, HttpStatusCode.BadRequest),
            ($"/api/polls/{words}/words/hide", """{"text":"x","votes":3}""", true, HttpStatusCode.BadRequest),
            ($"/api/polls/{words}/words/hide", """{"text":"   "}""", true, HttpStatusCode.UnprocessableEntity),
            ($"/api/polls/{words}/words/unhide", """{"text":"a\u0000"}""", true, HttpStatusCode.UnprocessableEntity),
            ($"/api/polls/{single}/words/hide", """{"text":"x"}""", true, HttpStatusCode.Conflict),
            ("/api/polls/nope/words/hide", """{"text":"x"}""", true, HttpStatusCode.NotFound),
            ($"/api/polls/{words}/words/unhide", """{"text":"never given"}""", true, HttpStatusCode.NoContent),
        ];
        foreach (var (path, body, admin, expected) in table)
        {
            using var response = await SendAsync(HttpMethod.Post, path, body, admin);
            Assert.True(expected == response.StatusCode, $"{path} {body}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task While_hidden_no_answer_carries_a_word_an_average_or_a_count()
    {
        var words = (await CreateAsync("""{"question":"In a word?","type":"words","resultsVisibility":"revealed"}""")).GetProperty("id").GetString()!;
        var rating = (await CreateAsync("""{"question":"How?","type":"rating","resultsVisibility":"revealed"}""")).GetProperty("id").GetString()!;
        await AcceptedAsync(words, """{"words":["secret"]}""", Api.NewVoter());
        await AcceptedAsync(rating, """{"rating":5}""", Api.NewVoter());
        var (hub, pushes) = await SubscribeAsync(words);
        await using var _ = hub;
        foreach (var id in new[] { words, rating })
        {
            var hidden = await ResultsWhenAsync(id, r => Total(r) == 1, "the ballot counted");
            Assert.True(hidden.GetProperty("hidden").GetBoolean());
            var raw = hidden.GetRawText();
            Assert.DoesNotContain("votes", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("average", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("options", raw, StringComparison.Ordinal);
        }
        Assert.Contains("secret", (await ResultsAsync(words, admin: true)).GetRawText(), StringComparison.Ordinal);
        Assert.Equal(5m, (await ResultsAsync(rating, admin: true)).GetProperty("average").GetDecimal());
        await Eventually.WaitAsync(() => !pushes.IsEmpty, Wait, "the hub's snapshot");
        Assert.All(pushes, p => Assert.DoesNotContain("secret", p, StringComparison.Ordinal));
        foreach (var page in new[] { $"/results/{words}", $"/results/{words}/present" })
        {
            Assert.DoesNotContain("secret", await _app.Client.GetStringAsync(page), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_single_choice_poll_looks_as_before_except_for_its_type_in_the_results()
    {
        var poll = await CreateAsync("""{"question":"Q?","options":["A","B"]}""");
        var id = poll.GetProperty("id").GetString()!;
        foreach (var field in new[] { "type", "maxChoices", "scale", "maxWords" })
        {
            Assert.False(poll.TryGetProperty(field, out _), field);
        }
        await AcceptedAsync(id, """{"optionId":"a"}""", Api.NewVoter());
        var results = await ResultsWhenAsync(id, r => Total(r) == 1, "the vote");
        Assert.Equal("single", results.GetProperty("type").GetString());
        Assert.False(results.TryGetProperty("average", out _));
        Assert.False(results.TryGetProperty("words", out _));
        var (status, answer) = await VoteAsync(id, """{"optionIds":["a"]}""", Api.NewVoter());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("optionId", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_of_the_release_before_count_and_malformed_ones_are_dead_lettered_with_reasons()
    {
        var multiple = (await CreateAsync("""{"question":"Which?","type":"multiple","options":["A","B","C"],"maxChoices":2}""")).GetProperty("id").GetString()!;
        var single = (await CreateAsync("""{"question":"Q?","options":["A","B"]}""")).GetProperty("id").GetString()!;
        var words = (await CreateAsync("""{"question":"In a word?","type":"words","maxWords":2}""")).GetProperty("id").GetString()!;
        var now = DateTimeOffset.UtcNow;
        // An old poll process writes one option for a multiple-choice poll: a ballot of one choice.
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage(multiple, "b", Guid.NewGuid(), now).ToEntry());
        NameValueEntry[][] bad =
        [
            new VoteMessage(multiple, null, Guid.NewGuid(), now) { Choices = ["a", "zzz"] }.ToEntry(),
            new VoteMessage(multiple, null, Guid.NewGuid(), now) { Choices = ["a", "b", "c"] }.ToEntry(),
            new VoteMessage(single, null, Guid.NewGuid(), now) { Choices = ["a"] }.ToEntry(),
            new VoteMessage(words, null, Guid.NewGuid(), now) { Words = ["FAST"] }.ToEntry(),
            new VoteMessage(words, null, Guid.NewGuid(), now) { Words = ["a", "b", "c"] }.ToEntry(),
            new VoteMessage(words, "a", Guid.NewGuid(), now).ToEntry(),
        ];
        foreach (var entry in bad)
        {
            await Redis.StreamAddAsync(_settings.StreamKey, entry);
        }
        var results = await ResultsWhenAsync(multiple, r => Total(r) == 1, "the old entry counted");
        Assert.Equal(new Dictionary<string, long> { ["a"] = 0, ["b"] = 1, ["c"] = 0 }, Votes(results));
        var dead = await Eventually.WaitAsync(() => Redis.StreamRangeAsync(_settings.DeadLetterKey), d => d.Length == bad.Length, Wait, "every bad entry dead-lettered");
        var reasons = dead.Select(d => d.Values.Single(v => v.Name == "reason").Value.ToString()).ToArray();
        Assert.Contains("unknown poll or option", reasons);
        Assert.Contains("more choices than the poll allows", reasons);
        Assert.Contains("malformed words", reasons);
        Assert.Contains("more words than the poll allows", reasons);
        Assert.Equal(2, reasons.Count(r => r.Contains("does not fit", StringComparison.Ordinal)));
        Assert.Equal(0, Total(await ResultsAsync(words)));
        Assert.Equal(0, Total(await ResultsAsync(single)));
    }

    [Fact]
    public async Task Two_workers_draining_changes_of_mind_leave_tallies_equal_to_a_recount()
    {
        await using var second = await RoleApp.StartAsync("worker", _settings);
        var multiple = (await CreateAsync("""{"question":"Which?","type":"multiple","options":["A","B","C","D"],"maxChoices":3}""")).GetProperty("id").GetString()!;
        var words = (await CreateAsync("""{"question":"In a word?","type":"words","maxWords":3}""")).GetProperty("id").GetString()!;
        string[] options = ["a", "b", "c", "d"];
        string[] vocabulary = ["fast", "simple api", "docs", "café", "cheap", "c#"];
        var voters = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();
        var random = new Random(13);
        var batch = Redis.CreateBatch();
        var adds = new List<Task>();
        for (var round = 0; round < 10; round++)
        {
            foreach (var voter in voters)
            {
                var choices = options.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
                var given = vocabulary.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
                adds.Add(batch.StreamAddAsync(_settings.StreamKey, new VoteMessage(multiple, null, voter, DateTimeOffset.UtcNow) { Choices = choices }.ToEntry()));
                adds.Add(batch.StreamAddAsync(_settings.StreamKey, new VoteMessage(words, null, voter, DateTimeOffset.UtcNow) { Words = given }.ToEntry()));
            }
        }
        batch.Execute();
        await Task.WhenAll(adds);
        await Eventually.WaitAsync(async () => (await Redis.StreamGroupInfoAsync(_settings.StreamKey)).Single().PendingMessageCount == 0
            && (await Redis.StreamGroupInfoAsync(_settings.StreamKey)).Single().Lag == 0, TimeSpan.FromSeconds(60), "the stream drained");

        await using var data = NpgsqlDataSource.Create(_settings.Postgres);
        await using var connection = await data.OpenConnectionAsync();
        foreach (var poll in new[] { multiple, words })
        {
            var tallies = (await connection.QueryAsync<(string, long)>(
                "SELECT option_id, votes FROM tallies WHERE poll_id = @poll AND votes <> 0 UNION ALL SELECT word, votes FROM word_tallies WHERE poll_id = @poll AND votes <> 0",
                new { poll })).ToDictionary(r => r.Item1, r => r.Item2);
            var recount = (await connection.QueryAsync<(string, long)>(
                "SELECT c, count(*) FROM votes, unnest(coalesce(choices, words, ARRAY[option_id::text])) AS c WHERE poll_id = @poll GROUP BY c",
                new { poll })).ToDictionary(r => r.Item1, r => r.Item2);
            Assert.Equal(recount, tallies);
            Assert.Equal(voters.Length, Total(await ResultsAsync(poll)));
        }
    }

    private async Task<(HubConnection Hub, ConcurrentStack<string> Pushes)> SubscribeAsync(string pollId)
    {
        var pushes = new ConcurrentStack<string>();
        var hub = new HubConnectionBuilder().WithUrl(new Uri(_app.Address, "/hubs/results")).Build();
        hub.On<JsonElement>("results", r => pushes.Push(r.GetRawText()));
        await hub.StartAsync();
        await hub.InvokeAsync("Subscribe", pollId);
        return (hub, pushes);
    }
}

internal static class StackExtensions
{
    public static string? TryPeekLast(this ConcurrentStack<string> stack) => stack.TryPeek(out var top) ? top : null;
}

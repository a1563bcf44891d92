using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Faults;

/// <summary>
/// Three polls whose ballots differ in the stream and in the tables (single choice, multiple choice,
/// words), voted at once by three loads, so a fault meets every kind of entry a worker holds.
/// </summary>
internal sealed class ThreePolls
{
    public static readonly string[] Options = ["red", "green", "blue", "yellow"];

    /// <summary>Words as counted (normalised); the load sends some in capitals or padded.</summary>
    public static readonly string[] Words = ["fast", "simple api", "docs", "stable", "cheap", "open source"];

    private readonly (string Id, VoteLoad Load, string[] Choices)[] _polls;

    private ThreePolls((string, VoteLoad, string[])[] polls) => _polls = polls;

    public static async Task<ThreePolls> CreateAsync(Uri poll)
    {
        using var client = new HttpClient { BaseAddress = poll };
        return new ThreePolls(
        [
            (await CreateAsync(client, new { question = "Which colour?", options = new[] { "Red", "Green", "Blue", "Yellow" } }), new VoteLoad(BallotKind.Single), Options),
            (await CreateAsync(client, new { question = "Which colours?", type = "multiple", options = new[] { "Red", "Green", "Blue", "Yellow" } }), new VoteLoad(BallotKind.Multiple), Options),
            (await CreateAsync(client, new { question = "Say it in words", type = "words" }), new VoteLoad(BallotKind.Words), Words),
        ]);
    }

    public IEnumerable<(string Id, VoteLoad Load)> Polls => _polls.Select(p => (p.Id, p.Load));

    public int Answers => _polls.Sum(p => p.Load.Answers.Count);

    public int Completed => _polls.Sum(p => p.Load.Completed);

    public int Count(HttpStatusCode status) => _polls.Sum(p => p.Load.Count(status));

    public string Summary() => string.Join("; ", _polls.Select(p => $"{p.Load.Kind}: {p.Load.Summary()}"));

    /// <summary>Half the voters on the single-choice poll, a quarter on each of the others; all at once.</summary>
    public Task RunAsync(Uri address, int voters, int maxVotesPerVoter, int concurrency, int seed = 1) =>
        Task.WhenAll(_polls.Select((p, i) => p.Load.RunAsync(address, p.Id, p.Choices,
            voters: i == 0 ? voters / 2 : voters / 4, maxVotesPerVoter, concurrency: Math.Max(1, i == 0 ? concurrency / 2 : concurrency / 4), seed: seed * 3 + i)));

    /// <summary>Waits until each poll's results, read from <paramref name="result"/>, are exactly its voters' last accepted ballots.</summary>
    public async Task WaitForTalliesAsync(Uri result, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = result };
        foreach (var (id, load, choices) in _polls)
        {
            var expected = load.ExpectedTallies(choices);
            var what = $"{load.Kind} tallies [{string.Join(",", expected)}] of {load.ExpectedTotal} voters";
            await Eventually.WaitAsync(() => ResultsAsync(client, id),
                r => Tallies(r, choices).SequenceEqual(expected) && r.GetProperty("total").GetInt64() == load.ExpectedTotal, timeout, what);
        }
    }

    /// <summary>Each poll's total, once stable: the number of voters counted.</summary>
    public async Task<IReadOnlyList<(VoteLoad Load, long Total)>> TotalsAsync(Uri result)
    {
        using var client = new HttpClient { BaseAddress = result };
        var totals = new List<(VoteLoad, long)>();
        foreach (var (id, load, _) in _polls)
        {
            totals.Add((load, (await ResultsAsync(client, id)).GetProperty("total").GetInt64()));
        }
        return totals;
    }

    private static long[] Tallies(JsonElement results, string[] choices)
    {
        var counts = results.TryGetProperty("words", out var words) && words.ValueKind == JsonValueKind.Array
            ? words.EnumerateArray().ToDictionary(w => w.GetProperty("text").GetString()!, w => w.GetProperty("votes").GetInt64())
            : results.GetProperty("options").EnumerateArray().ToDictionary(o => o.GetProperty("id").GetString()!, o => o.GetProperty("votes").GetInt64());
        return choices.Select(c => counts.GetValueOrDefault(c)).ToArray();
    }

    private static async Task<JsonElement> ResultsAsync(HttpClient client, string pollId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/results/{pollId}");

    private static async Task<string> CreateAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/polls") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}

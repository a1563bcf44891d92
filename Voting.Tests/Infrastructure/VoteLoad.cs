using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Voting.Tests.Infrastructure;

/// <summary>The shape of the ballots a <see cref="VoteLoad"/> sends: one per question type that takes a set or one choice.</summary>
internal enum BallotKind
{
    /// <summary><c>{"optionId"}</c>: one option (single choice, and rating's scale values).</summary>
    Single,

    /// <summary><c>{"optionIds"}</c>: one to three distinct options.</summary>
    Multiple,

    /// <summary><c>{"words"}</c>: one to three words of the pool, in capitals or padded now and then (counted as one).</summary>
    Words,
}

/// <summary>
/// A burst of votes from many voters, some changing their minds. Each voter's votes go in order;
/// voters run in parallel. Every answer is recorded, so a test can compute what must be counted.
/// </summary>
internal sealed class VoteLoad(BallotKind kind = BallotKind.Single)
{
    private readonly ConcurrentQueue<(string Voter, string[] Choices, HttpStatusCode Status, TimeSpan Took)> _answers = new();
    private int _completed;

    public BallotKind Kind => kind;

    public int Completed => Volatile.Read(ref _completed);

    public IReadOnlyCollection<(string Voter, string[] Choices, HttpStatusCode Status, TimeSpan Took)> Answers => _answers;

    public int Count(HttpStatusCode status) => _answers.Count(a => a.Status == status);

    /// <summary>
    /// What each voter's last accepted (202) ballot chose, as counted: option ids, or words normalised
    /// and once each. Answers are kept in the order they came.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> LastAccepted =>
        _answers.GroupBy(a => a.Voter).Select(g => (g.Key, Last: g.LastOrDefault(a => a.Status == HttpStatusCode.Accepted)))
            .Where(x => x.Last.Voter is not null)
            .ToDictionary(x => x.Key, x => kind == BallotKind.Words ? x.Last.Choices.Select(WordText.Normalize).Distinct(StringComparer.Ordinal).ToArray() : x.Last.Choices);

    /// <summary>Expected tallies of <paramref name="choices"/> (option ids or normalised words): the voters whose last accepted ballot holds each.</summary>
    public long[] ExpectedTallies(IReadOnlyList<string> choices)
    {
        var last = LastAccepted.Values.ToList();
        return choices.Select(c => (long)last.Count(set => set.Contains(c, StringComparer.Ordinal))).ToArray();
    }

    /// <summary>Voters with an accepted ballot: the results' <c>total</c>.</summary>
    public long ExpectedTotal => LastAccepted.Count;

    /// <summary>
    /// Runs <paramref name="voters"/> voters, each casting 1 to <paramref name="maxVotesPerVoter"/>
    /// votes of <see cref="Kind"/>'s shape from <paramref name="choices"/> (option ids, or words), with
    /// <paramref name="concurrency"/> voters at a time.
    /// </summary>
    public async Task RunAsync(Uri address, string pollId, IReadOnlyList<string> choices, int voters, int maxVotesPerVoter, int concurrency, int seed = 1)
    {
        using var handler = new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var plans = new List<(string Voter, string[][] Ballots)>(voters);
        var random = new Random(seed);
        for (var i = 0; i < voters; i++)
        {
            var ballots = Enumerable.Range(0, random.Next(1, maxVotesPerVoter + 1)).Select(_ => Ballot(random, choices)).ToArray();
            plans.Add((Api.NewVoter(), ballots));
        }
        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (plan, cancellationToken) =>
        {
            foreach (var ballot in plan.Ballots)
            {
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{pollId}/votes")
                    {
                        Content = new StringContent(Body(ballot), Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("Cookie", $"voter={plan.Voter}");
                    using var response = await client.SendAsync(request, cancellationToken);
                    status = response.StatusCode;
                    if (status == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is null)
                    {
                        status = HttpStatusCode.InternalServerError; // a 503 must say when to retry
                    }
                }
                catch (HttpRequestException)
                {
                    status = 0; // no answer at all (connection refused or reset)
                }
                _answers.Enqueue((plan.Voter, ballot, status, Stopwatch.GetElapsedTime(started)));
                Interlocked.Increment(ref _completed);
            }
        });
    }

    private string[] Ballot(Random random, IReadOnlyList<string> choices)
    {
        if (kind == BallotKind.Single)
        {
            return [choices[random.Next(choices.Count)]];
        }
        var picked = choices.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(3, choices.Count) + 1)).ToArray();
        return kind == BallotKind.Multiple ? picked
            : picked.Select(w => random.Next(4) switch { 0 => w.ToUpperInvariant(), 1 => $"  {w} ", _ => w }).ToArray();
    }

    private string Body(string[] ballot) => kind switch
    {
        BallotKind.Single => JsonSerializer.Serialize(new { optionId = ballot[0] }),
        BallotKind.Multiple => JsonSerializer.Serialize(new { optionIds = ballot }),
        _ => JsonSerializer.Serialize(new { words = ballot }),
    };

    public string Summary() => string.Join(", ", _answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(int)g.Key}: {g.Count()}"));
}

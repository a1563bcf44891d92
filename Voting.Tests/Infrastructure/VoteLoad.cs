using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Voting.Tests.Infrastructure;

/// <summary>
/// A burst of votes from many voters, some changing their minds. Each voter's votes go in order;
/// voters run in parallel. Every answer is recorded, so a test can compute what must be counted.
/// </summary>
internal sealed class VoteLoad
{
    private readonly ConcurrentQueue<(string Voter, string Option, HttpStatusCode Status, TimeSpan Took)> _answers = new();
    private int _completed;

    public int Completed => Volatile.Read(ref _completed);

    public IReadOnlyCollection<(string Voter, string Option, HttpStatusCode Status, TimeSpan Took)> Answers => _answers;

    public int Count(HttpStatusCode status) => _answers.Count(a => a.Status == status);

    /// <summary>The option each voter's last accepted (202) vote chose; answers are kept in the order they came.</summary>
    public IReadOnlyDictionary<string, string> LastAccepted =>
        _answers.GroupBy(a => a.Voter).Select(g => (g.Key, Last: g.LastOrDefault(a => a.Status == HttpStatusCode.Accepted)))
            .Where(x => x.Last.Voter is not null).ToDictionary(x => x.Key, x => x.Last.Option);

    /// <summary>Expected tallies: one vote per voter, their last accepted one.</summary>
    public long[] ExpectedTallies(IReadOnlyList<string> options) =>
        options.Select(o => (long)LastAccepted.Values.Count(v => v == o)).ToArray();

    /// <summary>
    /// Runs <paramref name="voters"/> voters, each casting 1 to <paramref name="maxVotesPerVoter"/>
    /// votes, with <paramref name="concurrency"/> voters at a time.
    /// </summary>
    public async Task RunAsync(Uri address, string pollId, IReadOnlyList<string> options, int voters, int maxVotesPerVoter, int concurrency, int seed = 1)
    {
        using var handler = new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var plans = new List<(string Voter, string[] Options)>(voters);
        var random = new Random(seed);
        for (var i = 0; i < voters; i++)
        {
            var votes = Enumerable.Range(0, random.Next(1, maxVotesPerVoter + 1)).Select(_ => options[random.Next(options.Count)]).ToArray();
            plans.Add((Api.NewVoter(), votes));
        }
        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (plan, cancellationToken) =>
        {
            foreach (var option in plan.Options)
            {
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{pollId}/votes")
                    {
                        Content = new StringContent($$"""{"optionId":"{{option}}"}""", Encoding.UTF8, "application/json"),
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
                _answers.Enqueue((plan.Voter, option, status, Stopwatch.GetElapsedTime(started)));
                Interlocked.Increment(ref _completed);
            }
        });
    }

    public string Summary() => string.Join(", ", _answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(int)g.Key}: {g.Count()}"));
}

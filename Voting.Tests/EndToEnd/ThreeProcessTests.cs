using System.Net;
using Voting.Storage;
using Voting.Tests.Infrastructure;
using Voting.Tests.Result;

namespace Voting.Tests.EndToEnd;

/// <summary>The published app as three processes, one per role, as a cluster runs it.</summary>
public sealed class ThreeProcessTests
{
    [Fact]
    public async Task Votes_from_hundreds_of_voters_who_change_their_minds_show_exactly_in_the_api_and_over_signalr()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll"], env);
        await using var worker = AppProcess.Start(["--role", "worker"], env);
        await using var result = AppProcess.Start(["--role", "result"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), worker.WaitUntilReadyAsync(), result.WaitUntilReadyAsync());

        using var pollClient = new HttpClient { BaseAddress = poll.Address };
        using var resultClient = new HttpClient { BaseAddress = result.Address };
        var created = await Api.CreatePollAsync(pollClient, "Which season?", "Spring", "Summer", "Autumn", "Winter");
        string[] options = ["spring", "summer", "autumn", "winter"];

        var (hub, received) = await ResultHubTests.SubscribeAsync(result.Address, created.Id);
        await using var _ = hub;

        var random = new Random(7);
        var voters = Enumerable.Range(0, 300).Select(_ => Api.NewVoter()).ToArray();
        var last = new Dictionary<string, string>();
        var votes = new List<(string Voter, string Option)>();
        foreach (var voter in voters)
        {
            votes.Add((voter, options[random.Next(4)]));
        }
        // A third change their minds, some of them twice.
        foreach (var voter in voters.Where((_, i) => i % 3 == 0))
        {
            votes.Add((voter, options[random.Next(4)]));
        }
        foreach (var voter in voters.Where((_, i) => i % 9 == 0))
        {
            votes.Add((voter, options[random.Next(4)]));
        }
        var started = DateTime.UtcNow;
        // Each voter's votes go in order; different voters in parallel.
        await Parallel.ForEachAsync(votes.GroupBy(v => v.Voter), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (group, ct) =>
        {
            foreach (var (voter, option) in group)
            {
                using var response = await Api.VoteAsync(pollClient, created.Id, option, voter);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
        });
        foreach (var (voter, option) in votes)
        {
            last[voter] = option;
        }
        var expected = options.Select(o => (long)last.Values.Count(v => v == o)).ToArray();

        var final = await Eventually.WaitAsync(() => Api.ResultsAsync(resultClient, created.Id),
            r => r.Options.Select(o => o.Votes).SequenceEqual(expected), TimeSpan.FromSeconds(20), "the API to show the last vote per voter");
        var drained = DateTime.UtcNow - started;
        Assert.Equal(300, final.Total);
        var pushed = await Eventually.WaitAsync(() => Task.FromResult(received.LastOrDefault()),
            r => r is not null && r.Options.Select(o => o.Votes).SequenceEqual(expected), TimeSpan.FromSeconds(5), "a SignalR push with the final tallies");
        Assert.Equal(300, pushed!.Total);
        Console.WriteLine($"{votes.Count} votes from 300 voters: POST to final tally in {drained.TotalMilliseconds:F0} ms");

        // Every role shuts down cleanly on SIGTERM.
        Assert.Equal(0, await poll.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await worker.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await result.TerminateAsync(TimeSpan.FromSeconds(30)));
    }
}

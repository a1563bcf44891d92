using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;
using Voting.Tests.Infrastructure;
using Voting.Tests.Result;

namespace Voting.Tests.Faults;

/// <summary>
/// SIGTERM under load, as Kubernetes sends it: each role stops taking work, finishes what it has,
/// exits 0 well inside its grace period, and no accepted vote is lost.
/// </summary>
public sealed class ShutdownTests
{
    private static readonly string[] Options = ["red", "green", "blue", "yellow"];

    /// <summary>The app's shutdown budget; the pods' grace period (40 s) leaves room for the preStop pause.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Poll_finishes_in_flight_votes_and_exits_0_and_every_202_is_counted()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToLoadEnvironment();
        await using var backend = AppProcess.Start(["--role", "worker,result"], env);
        var poll = AppProcess.Start(["--role", "poll"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), backend.WaitUntilReadyAsync());
        using var client = new HttpClient { BaseAddress = poll.Address };
        var pollId = (await Api.CreatePollAsync(client, "Q?", "Red", "Green", "Blue", "Yellow")).Id;

        var load = new VoteLoad();
        var burst = load.RunAsync(poll.Address, pollId, Options, voters: 20000, maxVotesPerVoter: 2, concurrency: 16);
        await Eventually.WaitAsync(() => load.Completed >= 2000, TimeSpan.FromSeconds(60), "the burst under way");
        var started = DateTime.UtcNow;
        var exitCode = await poll.TerminateAsync(Budget);
        var took = DateTime.UtcNow - started;
        await burst;
        await poll.DisposeAsync();

        Assert.Equal(0, exitCode);
        // Requests in flight got their answer; later ones found the door closed. Never a 5xx.
        Assert.All(load.Answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or 0, $"answer {(int)a.Status}"));
        Assert.True(load.Count(0) > 0, "the burst outlived the poll process");
        using var results = new HttpClient { BaseAddress = backend.Address };
        var expected = load.ExpectedTallies(Options);
        await Eventually.WaitAsync(() => Api.ResultsAsync(results, pollId), r => r.Options.Select(o => o.Votes).SequenceEqual(expected),
            TimeSpan.FromSeconds(30), "every accepted vote counted");
        Console.WriteLine($"poll SIGTERM: exit 0 in {took.TotalMilliseconds:F0} ms; {load.Summary()}");
    }

    [Fact]
    public async Task Worker_stops_reading_acknowledges_its_batch_and_exits_0_leaving_nothing_pending()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToLoadEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll,result"], env);
        await poll.WaitUntilReadyAsync();
        using var client = new HttpClient { BaseAddress = poll.Address };
        var pollId = (await Api.CreatePollAsync(client, "Q?", "Red", "Green", "Blue", "Yellow")).Id;
        // A backlog for the worker to chew on while it is told to stop.
        var load = new VoteLoad();
        await load.RunAsync(poll.Address, pollId, Options, voters: 15000, maxVotesPerVoter: 1, concurrency: 16);

        var worker = AppProcess.Start(["--role", "worker"], env);
        using var mux = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        var db = mux.GetDatabase();
        await Eventually.WaitAsync(async () => (await db.StreamGroupInfoAsync(settings.StreamKey)).Any(g => g.EntriesRead > 0),
            TimeSpan.FromSeconds(30), "the worker to start reading");
        // SIGTERM lands while it holds a batch read and not acknowledged, the state this test is about.
        var consumer = $"{System.Environment.MachineName}-{worker.Id}";
        var heldAtSignal = await HeldBatch.TerminateAsync(worker, db, settings.StreamKey);
        var exitCode = await worker.WaitForExitAsync(Budget);
        await worker.DisposeAsync();
        Assert.Equal(0, exitCode);
        var consumers = await db.StreamConsumerInfoAsync(settings.StreamKey, "workers");
        Assert.Equal(0, consumers.Single(c => c.Name == consumer).PendingMessageCount);
        Console.WriteLine($"worker SIGTERM: held {heldAtSignal} entries at the signal, exit 0, none left pending");

        await using var next = AppProcess.Start(["--role", "worker"], env);
        var expected = load.ExpectedTallies(Options);
        await Eventually.WaitAsync(() => Api.ResultsAsync(client, pollId), r => r.Options.Select(o => o.Votes).SequenceEqual(expected),
            TimeSpan.FromSeconds(60), "the rest of the backlog counted exactly once");
    }

    [Fact]
    public async Task Result_closes_its_connections_and_exits_0()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToLoadEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll,worker"], env);
        var result = AppProcess.Start(["--role", "result"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), result.WaitUntilReadyAsync());
        using var client = new HttpClient { BaseAddress = poll.Address };
        var pollId = (await Api.CreatePollAsync(client, "Q?", "Red", "Green", "Blue", "Yellow")).Id;

        var hubs = new List<HubConnection>();
        var closed = 0;
        for (var i = 0; i < 20; i++)
        {
            var (hub, _) = await ResultHubTests.SubscribeAsync(result.Address, pollId);
            hub.Closed += _ => { Interlocked.Increment(ref closed); return Task.CompletedTask; };
            hubs.Add(hub);
        }
        var load = new VoteLoad();
        var burst = load.RunAsync(poll.Address, pollId, Options, voters: 3000, maxVotesPerVoter: 1, concurrency: 8);
        await Eventually.WaitAsync(() => load.Completed >= 300, TimeSpan.FromSeconds(30), "votes flowing");
        var started = DateTime.UtcNow;
        Assert.Equal(0, await result.TerminateAsync(Budget));
        var took = DateTime.UtcNow - started;
        await result.DisposeAsync();
        await Eventually.WaitAsync(() => Volatile.Read(ref closed) == hubs.Count, TimeSpan.FromSeconds(10), "every hub connection closed by the server");
        await burst;
        Assert.Equal(load.Answers.Count, load.Count(HttpStatusCode.Accepted));
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }
        Console.WriteLine($"result SIGTERM: exit 0 in {took.TotalMilliseconds:F0} ms with {hubs.Count} viewers");
    }
}

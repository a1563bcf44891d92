using System.Globalization;
using System.Net;
using StackExchange.Redis;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Faults;

/// <summary>
/// Breaks real processes and servers during bursts of votes, then checks that the tallies equal the
/// last accepted vote per voter: nothing lost, nothing counted twice.
/// </summary>
public sealed class FaultTests
{
    private static readonly string[] Options = ["red", "green", "blue", "yellow"];

    private static async Task<string> CreatePollAsync(Uri poll)
    {
        using var client = new HttpClient { BaseAddress = poll };
        return (await Api.CreatePollAsync(client, "Which colour?", "Red", "Green", "Blue", "Yellow")).Id;
    }

    private static async Task<long[]> WaitForTalliesAsync(Uri result, string pollId, long[] expected, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = result };
        var final = await Eventually.WaitAsync(() => Api.ResultsAsync(client, pollId),
            r => r.Options.Select(o => o.Votes).SequenceEqual(expected), timeout, $"tallies [{string.Join(",", expected)}]");
        return final.Options.Select(o => o.Votes).ToArray();
    }

    /// <summary>Single-choice, multiple-choice and words ballots at once: every kind of entry is pending when a worker dies.</summary>
    [Fact]
    public async Task Worker_killed_three_times_during_a_burst_of_20000_votes_of_every_ballot_shape_loses_and_doubles_nothing()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToLoadEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll,result"], env);
        await using var steady = AppProcess.Start(["--role", "worker"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), steady.WaitUntilReadyAsync());
        var polls = await ThreePolls.CreateAsync(poll.Address);

        var victim = AppProcess.Start(["--role", "worker"], env);
        await victim.WaitUntilReadyAsync();
        var redis = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        await using var _ = redis;
        var kills = 0;
        var killing = Task.Run(async () =>
        {
            for (; kills < 3; kills++)
            {
                await HeldBatch.KillAsync(victim, redis.GetDatabase(), settings.StreamKey);
                await victim.DisposeAsync();
                victim = AppProcess.Start(["--role", "worker"], env);
            }
        });
        // Votes keep coming until the third kill has landed, so every kill meets a worker at work.
        var rounds = 0;
        do
        {
            await polls.RunAsync(poll.Address, voters: 3500, maxVotesPerVoter: 3, concurrency: 32, seed: ++rounds);
        }
        while (!killing.IsCompleted || rounds < 3);
        await killing;
        await using (victim)
        {
            Assert.True(polls.Answers >= 20_000, $"only {polls.Answers} votes in the burst");
            Assert.True(polls.Answers == polls.Count(HttpStatusCode.Accepted), polls.Summary());
            await polls.WaitForTalliesAsync(poll.Address, TimeSpan.FromSeconds(90));

            await Eventually.WaitAsync(async () => (await redis.GetDatabase().StreamPendingAsync(settings.StreamKey, "workers")).PendingMessageCount == 0,
                TimeSpan.FromSeconds(30), "nothing left pending");
            Assert.Equal(3, kills);
            // The killed consumers' pending entries were taken over by a live worker.
            Assert.Contains("Claimed", steady.Output + victim.Output, StringComparison.Ordinal);
            Console.WriteLine($"worker-kill: {polls.Answers} votes in {rounds} rounds of 3500 voters, {polls.Summary()}");
        }
    }

    [Fact]
    public async Task Database_down_for_ten_seconds_poll_keeps_accepting_worker_backs_off_then_drains_every_ballot_shape()
    {
        await using var postgres = await LocalPostgres.StartAsync();
        var settings = (await Settings.CreateAsync()) with { Postgres = postgres.ConnectionString };
        var env = settings.ToLoadEnvironment();
        Assert.Equal(0, (await AppProcess.RunAsync(["migrate"], env)).ExitCode);
        await using var poll = AppProcess.Start(["--role", "poll"], env);
        await using var worker = AppProcess.Start(["--role", "worker"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), worker.WaitUntilReadyAsync());
        var polls = await ThreePolls.CreateAsync(poll.Address);

        var burst = polls.RunAsync(poll.Address, voters: 4000, maxVotesPerVoter: 2, concurrency: 8);
        await Eventually.WaitAsync(() => polls.Completed >= 500, TimeSpan.FromSeconds(60), "the burst to be under way");
        await postgres.StopAsync();
        using var workerClient = new HttpClient { BaseAddress = worker.Address };
        await Eventually.WaitAsync(async () => (await workerClient.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(10), "the worker to report not ready");
        var cpuBefore = CpuSeconds(worker.Id);
        var acceptedBefore = polls.Count(HttpStatusCode.Accepted);
        var outage = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.WaitAsync(() => outage.Elapsed >= TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11), "ten seconds of outage");
        var cpuDuringOutage = CpuSeconds(worker.Id) - cpuBefore;
        // The poll role needs Redis and its poll cache, not PostgreSQL: it stays ready.
        using (var pollClient = new HttpClient { BaseAddress = poll.Address })
        {
            Assert.Equal(HttpStatusCode.OK, (await pollClient.GetAsync("/readyz")).StatusCode);
        }
        var acceptedDuringOutage = polls.Count(HttpStatusCode.Accepted) - acceptedBefore;
        Assert.False(worker.HasExited, "the worker must not crash while the database is down");
        await postgres.RestartAsync();
        await burst;

        Assert.True(acceptedDuringOutage > 0 || burst.IsCompleted, "the poll role kept accepting votes while PostgreSQL was down");
        Assert.True(cpuDuringOutage < 3.0, $"the worker used {cpuDuringOutage:F2} s of CPU in 10 s of outage: a busy spin");
        Assert.True(polls.Answers == polls.Count(HttpStatusCode.Accepted), polls.Summary());
        await using (var result = AppProcess.Start(["--role", "result"], env))
        {
            await result.WaitUntilReadyAsync();
            await polls.WaitForTalliesAsync(result.Address, TimeSpan.FromSeconds(90));
        }
        await Eventually.WaitAsync(async () => (await workerClient.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "the worker ready again");
        Console.WriteLine($"db-down: {polls.Answers} votes ({polls.Summary()}), {acceptedDuringOutage} accepted during the outage, worker CPU {cpuDuringOutage:F2} s in 10 s");
    }

    [Fact]
    public async Task Redis_restarted_gracefully_during_a_burst_of_every_ballot_shape_503s_then_recovers_and_counts_every_202()
    {
        await using var redis = await LocalRedis.StartAsync();
        var settings = (await Settings.CreateAsync()) with { Redis = redis.ConnectionString };
        var env = settings.ToLoadEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll"], env);
        await using var worker = AppProcess.Start(["--role", "worker,result"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), worker.WaitUntilReadyAsync());
        var polls = await ThreePolls.CreateAsync(poll.Address);

        // Each voter votes once, so a vote "not confirmed" (503) may count or not, and nothing else varies.
        var burst = polls.RunAsync(poll.Address, voters: 6000, maxVotesPerVoter: 1, concurrency: 8);
        await Eventually.WaitAsync(() => polls.Completed >= 1000, TimeSpan.FromSeconds(60), "the burst to be under way");
        await redis.ShutdownAsync();
        await Eventually.WaitAsync(() => polls.Count(HttpStatusCode.ServiceUnavailable) > 0 || burst.IsCompleted, TimeSpan.FromSeconds(10), "503s while Redis is down");
        await redis.RestartAsync();
        await burst;

        var accepted = polls.Count(HttpStatusCode.Accepted);
        var notConfirmed = polls.Count(HttpStatusCode.ServiceUnavailable);
        Assert.True(polls.Answers == accepted + notConfirmed, polls.Summary());
        Assert.True(notConfirmed > 0, "Redis was down for part of the burst: some votes must have been refused");
        Assert.All(polls.Polls.SelectMany(p => p.Load.Answers), a => Assert.True(a.Took < TimeSpan.FromSeconds(5), $"a vote took {a.Took}: a hang"));
        // Recovers on its own: a fresh vote is accepted again (a voter of its own, counted beside the burst's).
        using var client = new HttpClient { BaseAddress = poll.Address };
        var (singleId, _) = polls.Polls.First();
        await Eventually.WaitAsync(async () => (await Api.VoteAsync(client, singleId, "red", Api.NewVoter())).StatusCode == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(20), "votes accepted again");

        // Give stragglers no chance to hide: the stream must be fully drained before the check.
        var mux = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        await using (mux)
        {
            await Eventually.WaitAsync(async () => (await mux.GetDatabase().StreamGroupInfoAsync(settings.StreamKey)).Single().Lag == 0
                && (await mux.GetDatabase().StreamPendingAsync(settings.StreamKey, "workers")).PendingMessageCount == 0, TimeSpan.FromSeconds(30), "stream drained");
        }
        var totals = await Eventually.WaitAsync(() => polls.TotalsAsync(worker.Address),
            t => t.All(x => x.Total >= x.Load.Count(HttpStatusCode.Accepted) + (x.Load.Kind == BallotKind.Single ? 1 : 0)), TimeSpan.FromSeconds(30), "every accepted vote counted");
        foreach (var (load, total) in totals)
        {
            var mustCount = load.Count(HttpStatusCode.Accepted) + (load.Kind == BallotKind.Single ? 1 : 0);
            Assert.InRange(total, mustCount, mustCount + load.Count(HttpStatusCode.ServiceUnavailable));
        }
        Console.WriteLine($"redis-restart: {accepted} accepted, {notConfirmed} not confirmed, counted {string.Join(", ", totals.Select(t => $"{t.Load.Kind} {t.Total}"))}");
    }

    [Fact]
    public async Task Redis_full_with_noeviction_turns_votes_into_503_and_loses_none_already_accepted()
    {
        await using var redis = await LocalRedis.StartAsync("--maxmemory 2500000");
        var settings = (await Settings.CreateAsync()) with { Redis = redis.ConnectionString };
        var env = settings.ToLoadEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll,result"], env);
        await poll.WaitUntilReadyAsync();
        var pollId = await CreatePollAsync(poll.Address);
        // The workers' group exists (they ran before) but no worker is reading: the stream only
        // grows until Redis refuses writes.
        await redis.CommandAsync($"XGROUP CREATE {settings.StreamKey} workers 0 MKSTREAM");
        var load = new VoteLoad();
        await load.RunAsync(poll.Address, pollId, Options, voters: 20000, maxVotesPerVoter: 1, concurrency: 16);
        var accepted = load.Count(HttpStatusCode.Accepted);
        var refused = load.Count(HttpStatusCode.ServiceUnavailable);
        Assert.True(refused > 0, $"Redis never filled up: {load.Summary()}");
        Assert.Equal(load.Answers.Count, accepted + refused);

        await using var worker = AppProcess.Start(["--role", "worker"], env);
        var expected = load.ExpectedTallies(Options);
        await WaitForTalliesAsync(poll.Address, pollId, expected, TimeSpan.FromSeconds(60));
        // Once drained and trimmed, Redis takes votes again.
        using var client = new HttpClient { BaseAddress = poll.Address };
        await Eventually.WaitAsync(async () => (await Api.VoteAsync(client, pollId, "red", Api.NewVoter())).StatusCode == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(30), "votes accepted after the worker drained the stream");
        Console.WriteLine($"redis-full: {accepted} accepted, {refused} refused with 503, all accepted counted");
    }

    /// <summary>User plus system CPU time of a process, from /proc.</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }
}

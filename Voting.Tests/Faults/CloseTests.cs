using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Faults;

/// <summary>
/// The close guarantee on real processes: from the moment a close is acknowledged, no poll process
/// answers 202 for the poll, including one cut off from PostgreSQL, and every 202 is counted.
/// </summary>
public sealed class CloseTests
{
    private sealed record Answer(string Process, long Started, HttpStatusCode Status);

    [Fact]
    public async Task After_a_close_no_poll_process_answers_202_not_even_one_cut_off_from_postgres_and_every_202_counts()
    {
        var settings = await Settings.CreateAsync();
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, new NpgsqlConnectionStringBuilder(settings.Postgres).Port));
        var env = settings.ToLoadEnvironment();
        await using var a = AppProcess.Start(["--role", "poll"], env);
        await using var b = AppProcess.Start(["--role", "poll"], ThroughProxy(env, settings, proxy));
        await using var worker = AppProcess.Start(["--role", "worker"], env);
        await Task.WhenAll(a.WaitUntilReadyAsync(), b.WaitUntilReadyAsync(), worker.WaitUntilReadyAsync());
        using var clientA = new HttpClient { BaseAddress = a.Address };
        using var clientB = new HttpClient { BaseAddress = b.Address };
        var poll = await Api.CreatePollAsync(clientA, "Close me?", "Yes", "No");
        await Eventually.WaitAsync(async () => (await clientB.GetAsync($"/api/polls/{poll.Id}")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "the poll on B");

        var answers = new ConcurrentQueue<Answer>();
        using var stop = new CancellationTokenSource();
        var voting = Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            VoteUntilStoppedAsync(i % 2 == 0 ? ("A", a.Address) : ("B", b.Address), poll.Id, answers, stop.Token)));

        // B loses PostgreSQL while it takes votes; it stays ready (it needs Redis and its catalog).
        await Eventually.WaitAsync(() => Accepted(answers, "B") >= 200, TimeSpan.FromSeconds(30), "B to take votes");
        proxy.Cut();
        await Eventually.WaitAsync(() => b.Output.Contains("Cannot read poll definitions", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "B to notice it lost PostgreSQL");
        var acceptedAtCut = Accepted(answers, "B");
        await Eventually.WaitAsync(() => Accepted(answers, "B") >= acceptedAtCut + 100, TimeSpan.FromSeconds(30), "B to take votes while cut off");
        Assert.Equal(HttpStatusCode.OK, await b.GetStatusAsync("/readyz"));

        using var close = await Admin(clientA, HttpMethod.Post, $"/api/polls/{poll.Id}/close");
        var acknowledged = Stopwatch.GetTimestamp();
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);

        // Both go on being asked to take votes for a while after the close.
        await Eventually.WaitAsync(() => answers.Count(x => x.Started > acknowledged && x.Process == "B") >= 300
            && answers.Count(x => x.Started > acknowledged && x.Process == "A") >= 300, TimeSpan.FromSeconds(60), "300 votes sent to each after the close");
        await stop.CancelAsync();
        await voting;

        var afterClose = answers.Where(x => x.Started > acknowledged).ToList();
        Assert.All(afterClose, x => Assert.Equal(HttpStatusCode.Conflict, x.Status));
        Assert.All(answers, x => Assert.True(x.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{x.Process} answered {(int)x.Status}"));
        var accepted = answers.Count(x => x.Status == HttpStatusCode.Accepted);

        // Every 202 is counted (each came from a voter of its own), and none from the close point on.
        await using var data = NpgsqlDataSource.Create(settings.Postgres);
        await Eventually.WaitAsync(() => CountVotesAsync(data, poll.Id), n => n == accepted, TimeSpan.FromSeconds(30), $"{accepted} votes stored");
        await using (var check = data.CreateCommand("SELECT count(*) FROM votes v JOIN polls p ON p.id = v.poll_id WHERE p.id = $1 AND v.version >= p.close_version"))
        {
            check.Parameters.AddWithValue(poll.Id);
            Assert.Equal(0L, (long)(await check.ExecuteScalarAsync())!);
        }
        await using (var sum = data.CreateCommand("SELECT sum(votes)::bigint FROM tallies WHERE poll_id = $1"))
        {
            sum.Parameters.AddWithValue(poll.Id);
            Assert.Equal((long)accepted, (long)(await sum.ExecuteScalarAsync())!);
        }

        // Once it reaches PostgreSQL again, B lists the poll as closed too.
        proxy.Restore();
        await Eventually.WaitAsync(async () => (await clientB.GetFromJsonAsync<PollDefinition>($"/api/polls/{poll.Id}"))!.Closed, TimeSpan.FromSeconds(15), "B to list the poll as closed");
        Console.WriteLine($"close: {accepted} accepted, {afterClose.Count} sent after the close, all 409; A {Accepted(answers, "A")} / B {Accepted(answers, "B")} accepted");
    }

    [Fact]
    public async Task A_close_through_a_process_cut_off_from_postgres_is_acknowledged_and_the_worker_records_it()
    {
        var settings = await Settings.CreateAsync();
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, new NpgsqlConnectionStringBuilder(settings.Postgres).Port));
        var env = settings.ToLoadEnvironment();
        await using var b = AppProcess.Start(["--role", "poll"], ThroughProxy(env, settings, proxy));
        await using var backend = AppProcess.Start(["--role", "worker,result"], env);
        await Task.WhenAll(b.WaitUntilReadyAsync(), backend.WaitUntilReadyAsync());
        // No cookie jar: each vote below comes from a voter of its own.
        using var clientB = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = b.Address };
        using var results = new HttpClient { BaseAddress = backend.Address };
        var poll = await Api.CreatePollAsync(clientB, "Close me?", "Yes", "No");
        Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(clientB, poll.Id, "yes")).StatusCode);
        await Eventually.WaitAsync(() => Api.ResultsAsync(results, poll.Id), r => r.Total == 1, TimeSpan.FromSeconds(10), "the first vote counted");

        proxy.Cut();
        Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(clientB, poll.Id, "no")).StatusCode);
        using var close = await Admin(clientB, HttpMethod.Post, $"/api/polls/{poll.Id}/close");
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        Assert.True((await close.Content.ReadFromJsonAsync<PollDefinition>())!.Closed);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.VoteAsync(clientB, poll.Id, "no")).StatusCode);

        // The worker met the close marker in the stream and recorded it: closed, with both votes cast before it.
        var final = await Eventually.WaitAsync(() => Api.ResultsAsync(results, poll.Id), r => r.Closed && r.Total == 2, TimeSpan.FromSeconds(10), "the close recorded by the worker");
        Assert.Equal([1L, 1L], final.Options.Select(o => o.Votes));
    }

    private static Dictionary<string, string> ThroughProxy(Dictionary<string, string> env, Settings settings, TcpProxy proxy) =>
        new(env)
        {
            ["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(settings.Postgres) { Port = proxy.Port, Timeout = 2, CommandTimeout = 5 }.ConnectionString,
        };

    private static int Accepted(IEnumerable<Answer> answers, string process) =>
        answers.Count(x => x.Process == process && x.Status == HttpStatusCode.Accepted);

    private static async Task<long> CountVotesAsync(NpgsqlDataSource data, string pollId)
    {
        await using var count = data.CreateCommand("SELECT count(*) FROM votes WHERE poll_id = $1");
        count.Parameters.AddWithValue(pollId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<HttpResponseMessage> Admin(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        return await client.SendAsync(request);
    }

    /// <summary>One voter after another (no cookie: each vote is a new voter), until told to stop.</summary>
    private static async Task VoteUntilStoppedAsync((string Name, Uri Address) process, string pollId, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = process.Address };
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            using var content = new StringContent("""{"optionId":"yes"}""", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync($"/api/polls/{pollId}/votes", content, CancellationToken.None);
            answers.Enqueue(new Answer(process.Name, started, response.StatusCode));
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Faults;

/// <summary>
/// A poll's timer on real processes: votes racing its end are 202 and counted, or 409 and not;
/// every poll process refuses from the same moment, even one whose catalog never heard of the timer.
/// </summary>
public sealed class TimerTests
{
    private sealed record Answer(string Process, DateTimeOffset Started, DateTimeOffset Finished, HttpStatusCode Status);

    [Fact]
    public async Task Votes_racing_the_timer_are_202_and_counted_or_409_and_both_poll_processes_close_at_the_same_moment()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToLoadEnvironment();
        await using var a = AppProcess.Start(["--role", "poll"], env);
        await using var worker = AppProcess.Start(["--role", "worker"], env);
        await Task.WhenAll(a.WaitUntilReadyAsync(), worker.WaitUntilReadyAsync());
        using var clientA = new HttpClient { BaseAddress = a.Address };
        var poll = await Api.CreatePollAsync(clientA, "Before the bell?", "Yes", "No");

        // B loads the poll when it starts and then never reads the catalog again (a refresh a day):
        // it cannot learn of the timer, so only Redis can close the poll there.
        await using var b = AppProcess.Start(["--role", "poll"], new Dictionary<string, string>(env) { ["Voting__CatalogRefreshMilliseconds"] = "60000" });
        await b.WaitUntilReadyAsync();
        using var clientB = new HttpClient { BaseAddress = b.Address };
        Assert.Equal(HttpStatusCode.OK, (await clientB.GetAsync($"/api/polls/{poll.Id}")).StatusCode);

        using var timer = await AdminAsync(clientA, $"/api/polls/{poll.Id}/timer", """{"seconds":10}""");
        Assert.Equal(HttpStatusCode.OK, timer.StatusCode);
        var closesAt = (await timer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("closesAt").GetDateTimeOffset();
        Assert.InRange(closesAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

        var answers = new ConcurrentQueue<Answer>();
        using var stop = new CancellationTokenSource();
        var voting = Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            VoteUntilStoppedAsync(i % 2 == 0 ? ("A", a.Address) : ("B", b.Address), poll.Id, answers, stop.Token)));
        // Votes keep coming for a while after the bell, to both processes.
        await Eventually.WaitAsync(() => answers.Count(x => x.Started > closesAt && x.Process == "A") >= 200
            && answers.Count(x => x.Started > closesAt && x.Process == "B") >= 200, TimeSpan.FromSeconds(60), "200 votes sent to each after the timer");
        await stop.CancelAsync();
        await voting;

        Assert.All(answers, x => Assert.True(x.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{x.Process} answered {(int)x.Status}"));
        // Nothing sent after the bell was taken, by either process; nothing answered before it was refused.
        Assert.All(answers.Where(x => x.Started > closesAt), x => Assert.Equal(HttpStatusCode.Conflict, x.Status));
        Assert.All(answers.Where(x => x.Finished < closesAt), x => Assert.Equal(HttpStatusCode.Accepted, x.Status));
        Assert.Contains(answers, x => x.Process == "B" && x.Status == HttpStatusCode.Conflict);
        Assert.True(answers.Count(x => x.Status == HttpStatusCode.Accepted && x.Process == "B") > 100, "B took votes before the bell");
        // B still has no timer in its catalog: Redis alone closed the poll there.
        Assert.Equal(JsonValueKind.Null, (await clientB.GetFromJsonAsync<JsonElement>($"/api/polls/{poll.Id}")).GetProperty("closesAt").ValueKind);
        Assert.True((await clientA.GetFromJsonAsync<JsonElement>($"/api/polls/{poll.Id}")).GetProperty("closed").GetBoolean());

        // Every 202 is counted (each came from a voter of its own), none cast from the closing time on.
        var accepted = answers.Count(x => x.Status == HttpStatusCode.Accepted);
        await using var data = NpgsqlDataSource.Create(settings.Postgres);
        await Eventually.WaitAsync(() => ScalarAsync(data, "SELECT count(*) FROM votes WHERE poll_id = $1", poll.Id), n => n == accepted,
            TimeSpan.FromSeconds(30), $"{accepted} votes stored");
        var point = closesAt.ToUnixTimeMilliseconds() << 20;
        Assert.Equal(0L, await ScalarAsync(data, $"SELECT count(*) FROM votes WHERE poll_id = $1 AND version >= {point}", poll.Id));
        Assert.Equal((long)accepted, await ScalarAsync(data, "SELECT sum(votes)::bigint FROM tallies WHERE poll_id = $1", poll.Id));

        // A closed poll's timer no longer moves.
        using var late = await AdminAsync(clientA, $"/api/polls/{poll.Id}/timer", """{"seconds":60}""");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        using var cancel = await AdminAsync(clientB, $"/api/polls/{poll.Id}/timer", """{"seconds":0}""");
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Console.WriteLine($"timer: {accepted} accepted, {answers.Count(x => x.Started > closesAt)} sent after the bell, all 409");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource data, string sql, string pollId)
    {
        await using var command = data.CreateCommand(sql);
        command.Parameters.AddWithValue(pollId);
        return await command.ExecuteScalarAsync() is long n ? n : 0;
    }

    private static async Task<HttpResponseMessage> AdminAsync(HttpClient client, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        return await client.SendAsync(request);
    }

    /// <summary>One voter after another (no cookie: each vote is a new voter), until told to stop.</summary>
    private static async Task VoteUntilStoppedAsync((string Name, Uri Address) process, string pollId, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = process.Address };
        while (!stop.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            using var content = new StringContent("""{"optionId":"yes"}""", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync($"/api/polls/{pollId}/votes", content, CancellationToken.None);
            answers.Enqueue(new Answer(process.Name, started, DateTimeOffset.UtcNow, response.StatusCode));
        }
    }
}

using System.Net;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Worker;

public sealed class WorkerTests : IAsyncLifetime
{
    private Settings _settings = null!;
    private RoleApp _app = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _app = await RoleApp.StartAsync("poll,worker,result", _settings);
        await _app.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IDatabase Redis => _app.Service<IConnectionMultiplexer>().GetDatabase();

    [Fact]
    public async Task Votes_flow_from_the_api_through_the_stream_into_tallies_and_the_stream_is_trimmed()
    {
        var poll = await Api.CreatePollAsync(_app.Client, "Q?", "A", "B", "C");
        var voters = Enumerable.Range(0, 40).Select(_ => Api.NewVoter()).ToArray();
        foreach (var (voter, i) in voters.Select((v, i) => (v, i)))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(_app.Client, poll.Id, new[] { "a", "b", "c" }[i % 3], voter)).StatusCode);
        }
        // A third of them change their minds to "a".
        foreach (var voter in voters.Where((_, i) => i % 3 == 1))
        {
            await Api.VoteAsync(_app.Client, poll.Id, "a", voter);
        }
        var results = await Eventually.WaitAsync(() => Api.ResultsAsync(_app.Client, poll.Id), r => r.Total == 40 && r.Options[0].Votes == 27,
            TimeSpan.FromSeconds(10), "tallies to reflect every last vote");
        Assert.Equal([27L, 0L, 13L], results.Options.Select(o => o.Votes));
        await Eventually.WaitAsync(async () => await Redis.StreamLengthAsync(_settings.StreamKey) == 0, TimeSpan.FromSeconds(10), "acknowledged entries to be trimmed");
    }

    [Fact]
    public async Task A_malformed_entry_goes_to_the_dead_letter_stream_with_its_reason_and_the_worker_carries_on()
    {
        var poll = await Api.CreatePollAsync(_app.Client, "Q?", "A", "B");
        await Redis.StreamAddAsync(_settings.StreamKey, [new NameValueEntry("p", poll.Id), new NameValueEntry("o", "a"), new NameValueEntry("v", "forged")]);
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage(poll.Id, "no-such-option", Guid.NewGuid(), DateTimeOffset.UtcNow).ToEntry());
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage("no-such-poll", "a", Guid.NewGuid(), DateTimeOffset.UtcNow).ToEntry());
        Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(_app.Client, poll.Id, "b", Api.NewVoter())).StatusCode);

        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(_app.Client, poll.Id)).Total == 1, TimeSpan.FromSeconds(10), "the good vote to count");
        var dead = await Eventually.WaitAsync(() => Redis.StreamRangeAsync(_settings.DeadLetterKey), d => d.Length == 3, TimeSpan.FromSeconds(10), "three dead letters");
        var reasons = dead.Select(d => d.Values.Single(v => v.Name == "reason").Value.ToString()).ToArray();
        Assert.Contains(reasons, r => r.Contains("voter id", StringComparison.Ordinal));
        Assert.Equal(2, reasons.Count(r => r == "unknown poll or option"));
        Assert.All(dead, d => Assert.Contains(d.Values, v => v.Name == "source-id"));
        await Eventually.WaitAsync(async () => (await Redis.StreamPendingAsync(_settings.StreamKey, "workers")).PendingMessageCount == 0,
            TimeSpan.FromSeconds(10), "every entry acknowledged");
        var metrics = await _app.Client.GetStringAsync("/metrics");
        Assert.Contains("voting_dead_letters_total", metrics);
    }

    [Fact]
    public async Task Votes_that_reach_the_stream_after_a_close_marker_are_never_stored()
    {
        // The poll role's script refuses these; an entry added by plain XADD (a replica from before
        // the close points existed, or a Redis that lost its close points) gets past it, and then
        // the worker is the last line: the close marker's id is the point from which nothing is stored.
        var poll = await Api.CreatePollAsync(_app.Client, "Q?", "A", "B");
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage(poll.Id, "a", early, DateTimeOffset.UtcNow).ToEntry());
        await Redis.StreamAddAsync(_settings.StreamKey, new CloseMessage(poll.Id, DateTimeOffset.UtcNow).ToEntry());
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage(poll.Id, "b", early, DateTimeOffset.UtcNow).ToEntry());
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage(poll.Id, "b", late, DateTimeOffset.UtcNow).ToEntry());
        // A vote for another poll after the marker: the close is for its own poll only.
        var other = await Api.CreatePollAsync(_app.Client, "Other?", "A", "B");
        await Redis.StreamAddAsync(_settings.StreamKey, new VoteMessage(other.Id, "b", late, DateTimeOffset.UtcNow).ToEntry());

        await Eventually.WaitAsync(() => Api.ResultsAsync(_app.Client, other.Id), r => r.Total == 1, TimeSpan.FromSeconds(10), "the other poll's vote counted");
        await Eventually.WaitAsync(async () => (await Redis.StreamPendingAsync(_settings.StreamKey, "workers")).PendingMessageCount == 0
            && (await Redis.StreamInfoAsync(_settings.StreamKey)).LastGeneratedId == (await Redis.StreamGroupInfoAsync(_settings.StreamKey)).Single(g => g.Name == "workers").LastDeliveredId,
            TimeSpan.FromSeconds(10), "every entry read and acknowledged");
        // Every entry is stored or refused by now: read PostgreSQL itself, not the result role's snapshot.
        await using var data = Npgsql.NpgsqlDataSource.Create(_settings.Postgres);
        await using (var closed = data.CreateCommand("SELECT closed FROM polls WHERE id = $1"))
        {
            closed.Parameters.AddWithValue(poll.Id);
            Assert.True((bool)(await closed.ExecuteScalarAsync())!);
        }
        await using (var votes = data.CreateCommand("SELECT voter_id, option_id FROM votes WHERE poll_id = $1"))
        {
            votes.Parameters.AddWithValue(poll.Id);
            await using var reader = await votes.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((early, "a"), (reader.GetGuid(0), reader.GetString(1)));
            Assert.False(await reader.ReadAsync());
        }
        await using (var tallies = data.CreateCommand("SELECT option_id, votes FROM tallies WHERE poll_id = $1 AND votes <> 0 ORDER BY option_id"))
        {
            tallies.Parameters.AddWithValue(poll.Id);
            await using var reader = await tallies.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("a", 1L), (reader.GetString(0), reader.GetInt64(1)));
            Assert.False(await reader.ReadAsync());
        }
        Assert.Empty(await Redis.StreamRangeAsync(_settings.DeadLetterKey));
    }

    [Fact]
    public async Task Metrics_carry_every_name_design_lists()
    {
        var poll = await Api.CreatePollAsync(_app.Client, "Q?", "A", "B");
        var (hub, received) = await Voting.Tests.Result.ResultHubTests.SubscribeAsync(_app.Address, poll.Id);
        await using var _ = hub;
        await Api.VoteAsync(_app.Client, poll.Id, "a", Api.NewVoter());
        await Api.VoteAsync(_app.Client, poll.Id, "nope", Api.NewVoter());
        await Redis.StreamAddAsync(_settings.StreamKey, [new NameValueEntry("junk", "1")]);
        await Eventually.WaitAsync(() => received.Any(r => r.Total == 1), TimeSpan.FromSeconds(10), "the vote pushed");
        string[] names =
        [
            "voting_votes_accepted_total", "voting_votes_rejected_total{", "voting_stream_length", "voting_consumer_lag",
            "voting_stream_pending", "voting_batch_size_bucket", "voting_batch_duration_seconds_bucket", "voting_votes_written_total",
            "voting_dead_letters_total", "voting_result_pushes_total", "voting_viewers",
        ];
        var metrics = await Eventually.WaitAsync(() => _app.Client.GetStringAsync("/metrics"), m => names.All(m.Contains),
            TimeSpan.FromSeconds(10), "every metric");
        Assert.Contains("reason=\"unknown_option\"", metrics);
        // The worker's histograms count its batches (they are written by Telemetry, not the exporter).
        await Eventually.WaitAsync(() => _app.Client.GetStringAsync("/metrics"),
            m => System.Text.RegularExpressions.Regex.IsMatch(m, @"voting_batch_size_count [1-9]") && System.Text.RegularExpressions.Regex.IsMatch(m, @"voting_batch_duration_seconds_sum 0\.\d*[1-9]"),
            TimeSpan.FromSeconds(10), "batches counted in the histograms");
    }

    [Fact]
    public async Task Entries_a_dead_consumer_left_pending_are_claimed_and_counted_once()
    {
        var settings = await Settings.CreateAsync();
        await using var poll = await RoleApp.StartAsync("poll", settings);
        var created = await Api.CreatePollAsync(poll.Client, "Q?", "A", "B");
        var redis = poll.Service<IConnectionMultiplexer>().GetDatabase();
        await redis.StreamCreateConsumerGroupAsync(settings.StreamKey, "workers", "0", createStream: true);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(poll.Client, created.Id, "a", Api.NewVoter())).StatusCode);
        }
        // A consumer reads them and dies before acknowledging anything.
        Assert.Equal(10, (await redis.StreamReadGroupAsync(settings.StreamKey, "workers", "dead-consumer", ">", 100)).Length);

        await using var worker = await RoleApp.StartAsync("worker,result", settings, new Dictionary<string, string?> { ["Voting:Worker:ClaimIdleSeconds"] = "1" });
        var results = await Eventually.WaitAsync(() => Api.ResultsAsync(worker.Client, created.Id), r => r.Total == 10, TimeSpan.FromSeconds(30), "claimed votes to be counted");
        Assert.Equal(10, results.Options[0].Votes);
        await Eventually.WaitAsync(async () => (await redis.StreamPendingAsync(settings.StreamKey, "workers")).PendingMessageCount == 0,
            TimeSpan.FromSeconds(30), "the claimed entries to be acknowledged");
    }
}

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Result;

public sealed class ResultHubTests : IAsyncLifetime
{
    private Settings _settings = null!;
    private RoleApp _result = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _result = await RoleApp.StartAsync("result", _settings);
    }

    public async Task DisposeAsync() => await _result.DisposeAsync();

    private async Task<string> CreatePollAsync(params string[] options)
    {
        var poll = new PollDefinition("p" + Guid.NewGuid().ToString("N")[..8], "Q?", options.Select(o => new PollOption(o, o)).ToArray(), false, DateTimeOffset.UtcNow);
        Assert.True(await _result.Service<PollStore>().CreateAsync(poll, CancellationToken.None));
        return poll.Id;
    }

    internal static async Task<(HubConnection Hub, ConcurrentQueue<PollResults> Received)> SubscribeAsync(Uri address, string pollId)
    {
        var received = new ConcurrentQueue<PollResults>();
        var hub = new HubConnectionBuilder().WithUrl(new Uri(address, "/hubs/results")).Build();
        hub.On<PollResults>("results", r => received.Enqueue(r));
        await hub.StartAsync();
        await hub.InvokeAsync("Subscribe", pollId);
        return (hub, received);
    }

    [Fact]
    public async Task Subscribe_sends_the_snapshot_at_once_with_zeros_for_a_new_poll()
    {
        var pollId = await CreatePollAsync("x", "y");
        var (hub, received) = await SubscribeAsync(_result.Address, pollId);
        await using var _ = hub;
        var first = await Eventually.WaitAsync(() => Task.FromResult(received.TryPeek(out var r) ? r : null), r => r is not null, TimeSpan.FromSeconds(5), "the snapshot");
        Assert.Equal(pollId, first!.PollId);
        Assert.Equal(0, first.Total);
        Assert.All(first.Options, o => Assert.Equal(0, o.Votes));
    }

    [Fact]
    public async Task A_notify_after_a_stored_batch_reaches_subscribed_hub_clients_and_only_them()
    {
        var watched = await CreatePollAsync("x", "y");
        var other = await CreatePollAsync("x", "y");
        var (hub, received) = await SubscribeAsync(_result.Address, watched);
        await using var _ = hub;
        await Eventually.WaitAsync(() => !received.IsEmpty, TimeSpan.FromSeconds(5), "the snapshot");

        var writer = _result.Service<VoteWriter>();
        await writer.WriteAsync([new VoteRow(other, Guid.NewGuid(), "x", DateTimeOffset.UtcNow, 1)], CancellationToken.None);
        await writer.WriteAsync([new VoteRow(watched, Guid.NewGuid(), "y", DateTimeOffset.UtcNow, 2)], CancellationToken.None);
        var pushed = await Eventually.WaitAsync(() => Task.FromResult(received.LastOrDefault()), r => r is { Total: 1 }, TimeSpan.FromSeconds(5), "a push with the new vote");
        Assert.Equal(1, pushed!.Options.Single(o => o.Id == "y").Votes);
        Assert.All(received, r => Assert.Equal(watched, r.PollId));
    }

    [Fact]
    public async Task Pushes_are_coalesced_to_about_ten_a_second_per_poll()
    {
        var pollId = await CreatePollAsync("x", "y");
        var (hub, received) = await SubscribeAsync(_result.Address, pollId);
        await using var _ = hub;
        await Eventually.WaitAsync(() => !received.IsEmpty, TimeSpan.FromSeconds(5), "the snapshot");
        var writer = _result.Service<VoteWriter>();
        var started = DateTime.UtcNow;
        for (var i = 0; i < 100; i++)
        {
            await writer.WriteAsync([new VoteRow(pollId, Guid.NewGuid(), "x", DateTimeOffset.UtcNow, i + 1)], CancellationToken.None);
        }
        var elapsed = DateTime.UtcNow - started;
        await Eventually.WaitAsync(() => received.LastOrDefault()?.Total == 100, TimeSpan.FromSeconds(5), "the last push to show all 100 votes");
        // 100 changes; at most one push per 100 ms window (plus the snapshot and one trailing push).
        var pushes = received.Count - 1;
        Assert.True(pushes <= Math.Ceiling(elapsed.TotalSeconds * 10) + 2, $"{pushes} pushes for 100 changes in {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(pushes < 100, $"{pushes} pushes for 100 changes: not coalesced");
    }

    [Fact]
    public async Task The_broadcaster_forgets_pushes_older_than_the_push_interval()
    {
        var polls = new List<string>();
        var hubs = new List<HubConnection>();
        for (var connection = 0; connection < 3; connection++)
        {
            var first = await CreatePollAsync("x", "y");
            polls.Add(first);
            var (hub, _) = await SubscribeAsync(_result.Address, first);
            hubs.Add(hub);
            for (var i = 0; i < 4; i++)
            {
                var pollId = await CreatePollAsync("x", "y");
                polls.Add(pollId);
                await hub.InvokeAsync("Subscribe", pollId);
            }
        }
        try
        {
            var writer = _result.Service<VoteWriter>();
            var broadcaster = _result.Service<Voting.Result.ResultsBroadcaster>();
            // One transaction: the 15 notifications arrive together and are pushed in one pass.
            await writer.WriteAsync(polls.Select(p => new VoteRow(p, Guid.NewGuid(), "x", DateTimeOffset.UtcNow, 1)).ToList(), CancellationToken.None);
            await Eventually.WaitAsync(() => broadcaster.RememberedPushes == 15, TimeSpan.FromSeconds(5), "pushes to the 15 polls");
            // Later pushes of one poll: the others' entries go once their interval has passed.
            var version = 2;
            await Eventually.WaitAsync(async () =>
            {
                await writer.WriteAsync([new VoteRow(polls[0], Guid.NewGuid(), "y", DateTimeOffset.UtcNow, version++)], CancellationToken.None);
                return broadcaster.RememberedPushes <= 1;
            }, TimeSpan.FromSeconds(5), "old pushes forgotten");
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task After_the_listen_connection_is_lost_it_reconnects_and_rereads_every_watched_poll()
    {
        var pollId = await CreatePollAsync("x", "y");
        var (hub, received) = await SubscribeAsync(_result.Address, pollId);
        await using var _ = hub;
        await Eventually.WaitAsync(() => !received.IsEmpty, TimeSpan.FromSeconds(5), "the snapshot");
        var data = _result.Service<Npgsql.NpgsqlDataSource>();

        // Cut the LISTEN session and store a vote at once: its NOTIFY is sent while nobody listens.
        await using (var admin = await data.OpenConnectionAsync())
        {
            await using var kill = new Npgsql.NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()", admin);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }
        await _result.Service<VoteWriter>().WriteAsync([new VoteRow(pollId, Guid.NewGuid(), "x", DateTimeOffset.UtcNow, 1)], CancellationToken.None);
        var pushed = await Eventually.WaitAsync(() => Task.FromResult(received.LastOrDefault()), r => r is { Total: 1 }, TimeSpan.FromSeconds(10),
            "a push after the listener reconnected");
        Assert.Equal(1, pushed!.Options[0].Votes);
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_poll_fails_with_a_clear_hub_error_and_the_api_answers_404()
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(_result.Address, "/hubs/results")).Build();
        await using var _ = hub;
        await hub.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", "no-such-poll"));
        Assert.Contains("no such poll", error.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await _result.Client.GetAsync("/api/results/no-such-poll")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _result.Client.GetAsync("/api/results/" + new string('x', 500))).StatusCode);
    }

    [Fact]
    public async Task The_results_page_carries_counts_and_total_in_the_html()
    {
        var pollId = await CreatePollAsync("x", "y");
        await _result.Service<VoteWriter>().WriteAsync([new VoteRow(pollId, Guid.NewGuid(), "y", DateTimeOffset.UtcNow, 1)], CancellationToken.None);
        var html = await _result.Client.GetStringAsync($"/results/{pollId}");
        Assert.Contains("data-option-id=\"y\"", html);
        Assert.Contains("data-votes=\"1\"", html);
        Assert.Contains("data-total=\"1\"", html);
        Assert.Contains("signalr.min.js", html);
        var script = await _result.Client.GetAsync("/static/signalr.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task The_result_role_needs_no_redis()
    {
        Assert.Null(_result.App.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>());
        Assert.Equal(HttpStatusCode.OK, (await _result.Client.GetAsync("/readyz")).StatusCode);
    }
}

using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Queue;

public sealed class VoteStreamTests : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private VoteStream _stream = null!;
    private QueueSettings _options = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        _options = new QueueSettings { StreamKey = TestEnvironment.UniqueKey("votes"), DeadLetterKey = TestEnvironment.UniqueKey("dead") };
        _stream = new VoteStream(_redis, Options.Create(_options));
    }

    public async Task DisposeAsync()
    {
        await _redis.GetDatabase().KeyDeleteAsync([_options.StreamKey, _options.DeadLetterKey]);
        await _redis.DisposeAsync();
    }

    private static VoteMessage AVote() => new("p", "o", Guid.NewGuid(), DateTimeOffset.UtcNow);

    [Fact]
    public async Task Votes_added_before_the_group_exists_are_still_delivered()
    {
        for (var i = 0; i < 5; i++)
        {
            await _stream.AddAsync(AVote());
        }
        await _stream.EnsureGroupAsync();
        await _stream.EnsureGroupAsync(); // idempotent
        var read = await _stream.ReadAsync("c1", 100, pending: false);
        Assert.Equal(5, read.Length);
    }

    [Fact]
    public async Task Unacknowledged_entries_stay_pending_for_their_consumer_until_acknowledged()
    {
        await _stream.EnsureGroupAsync();
        await _stream.AddAsync(AVote());
        await _stream.AddAsync(AVote());
        var read = await _stream.ReadAsync("c1", 10, pending: false);
        Assert.Equal(2, read.Length);
        Assert.Empty(await _stream.ReadAsync("c1", 10, pending: false));
        Assert.Equal(2, (await _stream.ReadAsync("c1", 10, pending: true)).Length);
        Assert.Equal(1, await _stream.AckAsync([read[0].Id]));
        var pending = await _stream.ReadAsync("c1", 10, pending: true);
        Assert.Equal(read[1].Id, Assert.Single(pending).Id);
    }

    [Fact]
    public async Task Another_consumer_claims_entries_left_idle_by_a_dead_one()
    {
        await _stream.EnsureGroupAsync();
        await _stream.AddAsync(AVote());
        Assert.Single(await _stream.ReadAsync("dead", 10, pending: false));
        Assert.Empty((await _stream.ClaimAsync("alive", TimeSpan.FromSeconds(30), "0-0", 10)).ClaimedEntries);
        var claimed = await Eventually.WaitAsync(() => _stream.ClaimAsync("alive", TimeSpan.FromMilliseconds(100), "0-0", 10),
            c => c.ClaimedEntries.Length == 1, TimeSpan.FromSeconds(5), "the entry to become claimable");
        Assert.Single(claimed.ClaimedEntries);
        Assert.Single(await _stream.ReadAsync("alive", 10, pending: true));
        Assert.Empty(await _stream.ReadAsync("dead", 10, pending: true));
    }

    [Fact]
    public async Task Trimming_removes_only_entries_every_group_has_acknowledged()
    {
        await _stream.EnsureGroupAsync();
        // A second group (another consumer of the stream) that has read nothing yet.
        await _redis.GetDatabase().StreamCreateConsumerGroupAsync(_options.StreamKey, "other", "0");
        for (var i = 0; i < 300; i++)
        {
            await _stream.AddAsync(AVote());
        }
        var read = await _stream.ReadAsync("c1", 300, pending: false);
        await _stream.AckAsync(read.Select(e => e.Id).ToArray());
        await _stream.TrimAcknowledgedAsync();
        Assert.Equal(300, await _redis.GetDatabase().StreamLengthAsync(_options.StreamKey));

        // Once the other group has read and acknowledged the first 200, at most those may go.
        var other = await _redis.GetDatabase().StreamReadGroupAsync(_options.StreamKey, "other", "o1", ">", 200);
        await _redis.GetDatabase().StreamAcknowledgeAsync(_options.StreamKey, "other", other.Select(e => e.Id).ToArray());
        await _stream.TrimAcknowledgedAsync();
        var remaining = await _redis.GetDatabase().StreamRangeAsync(_options.StreamKey);
        Assert.Equal(100, remaining.Length);
        Assert.Equal(read[200].Id, remaining[0].Id);
        // Every entry the other group has not acknowledged is still there.
        Assert.All(read.Skip(200), e => Assert.Contains(remaining, r => r.Id == e.Id));
    }

    [Fact]
    public async Task Stats_report_length_pending_and_lag()
    {
        await _stream.EnsureGroupAsync();
        for (var i = 0; i < 4; i++)
        {
            await _stream.AddAsync(AVote());
        }
        await _stream.ReadAsync("c1", 3, pending: false);
        var stats = await _stream.StatsAsync();
        Assert.Equal(new StreamStats(4, 3, 1), stats);
    }
}

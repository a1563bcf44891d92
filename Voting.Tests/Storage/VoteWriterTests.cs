using Dapper;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Storage;

public class VoteWriterTests
{
    private static readonly string[] Options = ["a", "b", "c", "d"];

    private static async Task<(NpgsqlDataSource Data, VoteWriter Writer, string PollId)> SetUpAsync()
    {
        var data = StorageModule.CreateDataSource(await TestEnvironment.CreateDatabaseAsync());
        var store = new PollStore(data);
        var poll = new PollDefinition("p1", "Q?", Options.Select(o => new PollOption(o, o.ToUpperInvariant())).ToArray(), false, DateTimeOffset.UtcNow);
        Assert.True(await store.CreateAsync(poll, CancellationToken.None));
        return (data, new VoteWriter(data), poll.Id);
    }

    private static VoteRow Vote(string poll, Guid voter, string option, long version) =>
        new(poll, voter, option, DateTimeOffset.UtcNow, version);

    private static async Task<Dictionary<string, long>> TalliesAsync(NpgsqlDataSource data)
    {
        await using var connection = await data.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, long)>("SELECT option_id, votes FROM tallies")).ToDictionary(r => r.Item1, r => r.Item2);
    }

    private static async Task<Dictionary<string, long>> RecountAsync(NpgsqlDataSource data)
    {
        await using var connection = await data.OpenConnectionAsync();
        var counts = (await connection.QueryAsync<(string, long)>("SELECT option_id, count(*) FROM votes GROUP BY option_id")).ToDictionary(r => r.Item1, r => r.Item2);
        return Options.ToDictionary(o => o, o => counts.GetValueOrDefault(o));
    }

    [Fact]
    public async Task A_redelivered_batch_changes_nothing()
    {
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        var batch = Enumerable.Range(0, 50).Select(i => Vote(poll, Guid.NewGuid(), Options[i % 4], 100 + i)).ToList();
        Assert.Equal(50, await writer.WriteAsync(batch, CancellationToken.None));
        var before = await TalliesAsync(data);
        Assert.Equal(0, await writer.WriteAsync(batch, CancellationToken.None));
        Assert.Equal(before, await TalliesAsync(data));
        Assert.Equal(50, before.Values.Sum());
    }

    [Fact]
    public async Task An_older_vote_never_overwrites_a_newer_one()
    {
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        var voter = Guid.NewGuid();
        await writer.WriteAsync([Vote(poll, voter, "b", 200)], CancellationToken.None);
        // The older vote arrives late (claimed from a dead worker, say): it must not win.
        Assert.Equal(0, await writer.WriteAsync([Vote(poll, voter, "a", 100)], CancellationToken.None));
        var tallies = await TalliesAsync(data);
        Assert.Equal(1, tallies["b"]);
        Assert.Equal(0, tallies["a"]);
        await writer.WriteAsync([Vote(poll, voter, "c", 300)], CancellationToken.None);
        tallies = await TalliesAsync(data);
        Assert.Equal((0, 0, 1), (tallies["a"], tallies["b"], tallies["c"]));
    }

    [Fact]
    public async Task Several_votes_of_one_voter_in_one_write_store_the_latest_in_any_order()
    {
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        var voter = Guid.NewGuid();
        Assert.Equal(1, await writer.WriteAsync([Vote(poll, voter, "c", 300), Vote(poll, voter, "a", 100), Vote(poll, voter, "b", 200)], CancellationToken.None));
        var tallies = await TalliesAsync(data);
        Assert.Equal((0, 0, 1), (tallies.GetValueOrDefault("a"), tallies.GetValueOrDefault("b"), tallies["c"]));
        Assert.Equal(await RecountAsync(data), tallies);
    }

    [Fact]
    public async Task A_vote_past_a_close_point_does_not_push_aside_the_voters_vote_from_before_it()
    {
        // The close was recorded earlier (another batch, or a timer): this write cannot see it in
        // its own markers. The voter's vote before the close counts; the one after it does not.
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        await writer.WriteAsync([], [new CloseRow(poll, 200, DateTimeOffset.UtcNow)], CancellationToken.None);
        var voter = Guid.NewGuid();
        var late = Guid.NewGuid();
        Assert.Equal(1, await writer.WriteAsync([Vote(poll, voter, "a", 100), Vote(poll, voter, "b", 250), Vote(poll, late, "b", 260)], CancellationToken.None));
        var tallies = await TalliesAsync(data);
        Assert.Equal((1, 0), (tallies["a"], tallies.GetValueOrDefault("b")));
        // Written again with the close marker in the same write: the same outcome.
        Assert.Equal(0, await writer.WriteAsync([Vote(poll, voter, "a", 100), Vote(poll, voter, "b", 250)], [new CloseRow(poll, 200, DateTimeOffset.UtcNow)], CancellationToken.None));
        Assert.Equal(tallies, await TalliesAsync(data));
    }

    [Fact]
    public async Task Two_workers_racing_over_the_same_voters_keep_tallies_equal_to_a_recount()
    {
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        var voters = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToArray();
        // Every voter changes their mind many times; each change has a unique, increasing version.
        // Two writers take interleaved slices, in opposite orders, and redeliver some of each other's.
        var random = new Random(42);
        var all = new List<VoteRow>();
        long version = 1;
        for (var round = 0; round < 20; round++)
        {
            foreach (var voter in voters)
            {
                all.Add(Vote(poll, voter, Options[random.Next(4)], version++));
            }
        }
        var shuffled = all.OrderBy(_ => random.Next()).ToList();
        var first = shuffled.Where((_, i) => i % 2 == 0).Concat(shuffled.Take(500)).ToList();
        var second = shuffled.Where((_, i) => i % 2 == 1).Concat(shuffled.Skip(1000).Take(500)).ToList();

        async Task Run(List<VoteRow> votes, int seed)
        {
            var writer2 = new VoteWriter(data);
            var r = new Random(seed);
            for (var i = 0; i < votes.Count;)
            {
                var size = r.Next(50, 400);
                var chunk = votes.Skip(i).Take(size).GroupBy(v => (v.PollId, v.VoterId)).Select(g => g.MaxBy(v => v.Version)).ToList();
                await writer2.WriteAsync(chunk, CancellationToken.None);
                i += size;
            }
        }
        await Task.WhenAll(Task.Run(() => Run(first, 1)), Task.Run(() => Run(second, 2)));

        var expected = Options.ToDictionary(o => o, o => (long)all.GroupBy(v => v.VoterId).Count(g => g.MaxBy(v => v.Version).OptionId == o));
        Assert.Equal(expected, await RecountAsync(data));
        Assert.Equal(expected, await TalliesAsync(data));
    }

    [Fact]
    public async Task A_write_notifies_listeners_of_the_polls_it_touched()
    {
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        await using var listener = await data.OpenConnectionAsync();
        var received = new List<string>();
        listener.Notification += (_, e) => { lock (received) { received.Add(e.Payload); } };
        await listener.ExecuteAsync($"LISTEN {StorageSettings.ChangeChannel}");
        await writer.WriteAsync([Vote(poll, Guid.NewGuid(), "a", 1)], CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await listener.WaitAsync(cts.Token);
        lock (received)
        {
            Assert.Equal([poll], received);
        }
    }

    [Fact]
    public async Task A_results_read_during_a_stream_of_commits_sees_counts_and_total_from_one_moment()
    {
        // Single choice: every ballot adds exactly one to one option, so in any one moment the
        // options sum to the ballot count. A read that took them from two moments would not.
        var (data, writer, poll) = await SetUpAsync();
        await using var _ = data;
        var results = new ResultStore(data, TimeProvider.System, new BlockedWords());
        using var stop = new CancellationTokenSource();
        var written = 0L;
        var writing = Task.Run(async () =>
        {
            long version = 1;
            while (!stop.IsCancellationRequested)
            {
                var batch = Enumerable.Range(0, 20).Select(i => Vote(poll, Guid.NewGuid(), Options[i % 4], version++)).ToList();
                Interlocked.Add(ref written, await writer.WriteAsync(batch, CancellationToken.None));
            }
        });
        var reads = 0;
        try
        {
            // Read until enough commits landed in the middle of reads to have shown a skew: 200
            // batches of 20, read back to back.
            while (Interlocked.Read(ref written) < 4_000)
            {
                var read = await results.ReadAsync(poll, CancellationToken.None);
                Assert.NotNull(read);
                Assert.Equal(read.Total, read.Options.Sum(o => o.Votes));
                reads++;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
        Assert.True(reads > 50, $"only {reads} reads overlapped the writes");
    }
}

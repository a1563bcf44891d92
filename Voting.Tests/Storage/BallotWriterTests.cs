using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Storage;

/// <summary>
/// Ballots of several choices (multiple choice) and of words, written as the worker writes them: the
/// triggers move every tally by the difference between a voter's old and new set, so the tallies and
/// the ballot count always equal a recount from the ballots, whatever the order, the redeliveries and
/// the number of writers.
/// </summary>
public class BallotWriterTests
{
    private static readonly string[] Options = ["a", "b", "c", "d", "e"];
    private static readonly string[] Vocabulary = ["fast", "simple api", "cheap", "ｆｕｎ", "docs", "café", "quick", "rust", "go", "c#"];

    private static async Task<(NpgsqlDataSource Data, PollStore Store)> DatabaseAsync()
    {
        var data = StorageModule.CreateDataSource(await TestEnvironment.CreateDatabaseAsync());
        return (data, new PollStore(data));
    }

    private static PollDefinition Multiple(string id) =>
        new(id, "Which?", Options.Select(o => new PollOption(o, o.ToUpperInvariant())).ToArray(), false, DateTimeOffset.UtcNow)
        {
            Type = PollType.Multiple,
            MaxChoices = 3,
        };

    private static PollDefinition Words(string id) =>
        new(id, "In a word?", [], false, DateTimeOffset.UtcNow) { Type = PollType.Words, MaxWords = 3 };

    private static VoteRow Choices(string poll, Guid voter, long version, params string[] choices) =>
        new(poll, voter, null, DateTimeOffset.UtcNow, version) { Choices = choices };

    private static VoteRow WordBallot(string poll, Guid voter, long version, params string[] words) =>
        new(poll, voter, null, DateTimeOffset.UtcNow, version) { Words = words };

    private static async Task<Dictionary<string, long>> TalliesAsync(NpgsqlDataSource data, string poll)
    {
        await using var connection = await data.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string, long)>(
            "SELECT option_id, votes FROM tallies WHERE poll_id = @poll UNION ALL SELECT word, votes FROM word_tallies WHERE poll_id = @poll", new { poll });
        return rows.Where(r => r.Item2 != 0).ToDictionary(r => r.Item1, r => r.Item2);
    }

    /// <summary>Counted from the ballots themselves: what the tallies must always equal.</summary>
    private static async Task<Dictionary<string, long>> RecountAsync(NpgsqlDataSource data, string poll)
    {
        await using var connection = await data.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string, long)>("""
            SELECT c, count(*) FROM votes, unnest(coalesce(choices, words, ARRAY[option_id::text])) AS c
            WHERE poll_id = @poll GROUP BY c
            """, new { poll });
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    private static async Task<(long Kept, long Counted)> BallotsAsync(NpgsqlDataSource data, string poll)
    {
        await using var connection = await data.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT ballots FROM poll_ballots WHERE poll_id = @poll), (SELECT count(*) FROM votes WHERE poll_id = @poll)", new { poll });
    }

    [Fact]
    public async Task A_changed_multiple_choice_ballot_replaces_the_whole_set_and_a_redelivery_changes_nothing()
    {
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(Multiple("m"), CancellationToken.None));
        var writer = new VoteWriter(data);
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(2, await writer.WriteAsync([Choices("m", alice, 1, "a", "b", "c"), Choices("m", bob, 2, "a")], CancellationToken.None));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 2, ["b"] = 1, ["c"] = 1 }, await TalliesAsync(data, "m"));

        // Alice changes her mind: b stays, a and c go, d comes.
        Assert.Equal(1, await writer.WriteAsync([Choices("m", alice, 3, "b", "d")], CancellationToken.None));
        var expected = new Dictionary<string, long> { ["a"] = 1, ["b"] = 1, ["d"] = 1 };
        Assert.Equal(expected, await TalliesAsync(data, "m"));

        // The same entries again, and an older ballot arriving late: nothing moves.
        Assert.Equal(0, await writer.WriteAsync([Choices("m", alice, 3, "b", "d"), Choices("m", bob, 2, "a")], CancellationToken.None));
        Assert.Equal(0, await writer.WriteAsync([Choices("m", alice, 1, "a", "b", "c")], CancellationToken.None));
        Assert.Equal(expected, await TalliesAsync(data, "m"));
        Assert.Equal(expected, await RecountAsync(data, "m"));
        Assert.Equal((2L, 2L), await BallotsAsync(data, "m"));
    }

    [Fact]
    public async Task A_changed_words_ballot_moves_only_the_words_that_changed()
    {
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("w"), CancellationToken.None));
        var writer = new VoteWriter(data);
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        await writer.WriteAsync([WordBallot("w", alice, 1, "fast", "simple api"), WordBallot("w", bob, 2, "fast")], CancellationToken.None);
        await writer.WriteAsync([WordBallot("w", alice, 3, "cheap", "fast")], CancellationToken.None);
        await writer.WriteAsync([WordBallot("w", alice, 3, "cheap", "fast")], CancellationToken.None);

        var expected = new Dictionary<string, long> { ["fast"] = 2, ["cheap"] = 1 };
        Assert.Equal(expected, await TalliesAsync(data, "w"));
        Assert.Equal(expected, await RecountAsync(data, "w"));
        Assert.Equal((2L, 2L), await BallotsAsync(data, "w"));
    }

    [Theory]
    [InlineData("multiple")]
    [InlineData("words")]
    public async Task Two_writers_racing_over_the_same_voters_keep_tallies_and_ballots_equal_to_a_recount(string kind)
    {
        Assert.True(PollTypes.TryParse(kind, out var type));
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        var poll = type == PollType.Multiple ? Multiple("race") : Words("race");
        Assert.True(await store.CreateAsync(poll, CancellationToken.None));
        var choices = type == PollType.Multiple ? Options : Vocabulary;
        var voters = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToArray();
        // Every voter changes their mind many times, to sets of one to three; each change has a
        // unique, increasing version. Two writers take interleaved slices and redeliver some of each other's.
        var random = new Random(7);
        var all = new List<VoteRow>();
        long version = 1;
        for (var round = 0; round < 15; round++)
        {
            foreach (var voter in voters)
            {
                var set = choices.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Order(StringComparer.Ordinal).ToArray();
                all.Add(type == PollType.Multiple ? Choices("race", voter, version++, set) : WordBallot("race", voter, version++, set));
            }
        }
        var shuffled = all.OrderBy(_ => random.Next()).ToList();
        var first = shuffled.Where((_, i) => i % 2 == 0).Concat(shuffled.Take(500)).ToList();
        var second = shuffled.Where((_, i) => i % 2 == 1).Concat(shuffled.Skip(1000).Take(500)).ToList();

        async Task Run(List<VoteRow> votes, int seed)
        {
            var writer = new VoteWriter(data);
            var r = new Random(seed);
            for (var i = 0; i < votes.Count;)
            {
                var size = r.Next(50, 400);
                var chunk = votes.Skip(i).Take(size).GroupBy(v => (v.PollId, v.VoterId)).Select(g => g.MaxBy(v => v.Version)).ToList();
                await writer.WriteAsync(chunk, CancellationToken.None);
                i += size;
            }
        }
        await Task.WhenAll(Task.Run(() => Run(first, 1)), Task.Run(() => Run(second, 2)));

        var latest = all.GroupBy(v => v.VoterId).Select(g => g.MaxBy(v => v.Version)).ToList();
        var expected = latest.SelectMany(v => (v.Choices ?? v.Words)!).GroupBy(c => c).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected, await RecountAsync(data, "race"));
        Assert.Equal(expected, await TalliesAsync(data, "race"));
        Assert.Equal((300L, 300L), await BallotsAsync(data, "race"));
    }

    [Fact]
    public async Task Results_of_a_words_poll_are_the_top_50_by_votes_then_text_without_hidden_words()
    {
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("top"), CancellationToken.None));
        var writer = new VoteWriter(data);
        // 60 words: word i is given by 60 - i voters, except that w05 and w06 tie with w04.
        var ballots = new List<VoteRow>();
        long version = 1;
        for (var i = 0; i < 60; i++)
        {
            var count = i is 5 or 6 ? 56 : 60 - i;
            for (var n = 0; n < count; n++)
            {
                ballots.Add(WordBallot("top", Guid.NewGuid(), version++, $"w{i:00}"));
            }
        }
        await writer.WriteAsync(ballots, CancellationToken.None);
        var results = new ResultStore(data, TimeProvider.System, new BlockedWords());

        var read = (await results.ReadAsync("top", CancellationToken.None))!;
        Assert.Equal(PollType.Words, read.Type);
        Assert.Equal(ballots.Count, read.Total);
        Assert.Empty(read.Options);
        Assert.Equal(ResultStore.TopWords, read.Words!.Count);
        Assert.Equal(["w00", "w01", "w02", "w03", "w04", "w05", "w06", "w07"], read.Words.Take(8).Select(w => w.Text));
        Assert.Equal([60L, 59, 58, 57, 56, 56, 56, 53], read.Words.Take(8).Select(w => w.Votes));

        // Hidden: gone from the results, and the 51st word takes its place; shown again with its count.
        Assert.True(await store.SetWordHiddenAsync("top", "w00", hidden: true, CancellationToken.None));
        read = (await results.ReadAsync("top", CancellationToken.None))!;
        Assert.DoesNotContain(read.Words!, w => w.Text == "w00");
        Assert.Equal("w50", read.Words![^1].Text);
        Assert.Equal(ballots.Count, read.Total);
        Assert.True(await store.SetWordHiddenAsync("top", "w00", hidden: false, CancellationToken.None));
        read = (await results.ReadAsync("top", CancellationToken.None))!;
        Assert.Equal(new WordResult("w00", 60), read.Words![0]);

        // A word hidden before anyone gives it stays hidden when it comes; an unknown poll is refused.
        Assert.True(await store.SetWordHiddenAsync("top", "later", hidden: true, CancellationToken.None));
        await writer.WriteAsync(Enumerable.Range(0, 100).Select(i => WordBallot("top", Guid.NewGuid(), version++, "later")).ToList(), CancellationToken.None);
        read = (await results.ReadAsync("top", CancellationToken.None))!;
        Assert.DoesNotContain(read.Words!, w => w.Text == "later");
        Assert.False(await store.SetWordHiddenAsync("nope", "later", hidden: true, CancellationToken.None));
    }

    [Fact]
    public async Task The_migration_counts_existing_ballots_and_rows_written_as_the_release_before_still_move_tallies()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        await Migrator.MigrateAsync(database, NullLoggerFactory.Instance, CancellationToken.None, upTo: 3);
        await using var data = StorageModule.CreateDataSource(database);
        await using (var connection = await data.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO polls (id, question, closed, created_at, revision) VALUES ('old', 'Q?', false, now(), nextval('poll_revision'));
                INSERT INTO poll_options (poll_id, id, label, position) VALUES ('old', 'a', 'A', 1), ('old', 'b', 'B', 2);
                INSERT INTO tallies (poll_id, option_id, votes) VALUES ('old', 'a', 0), ('old', 'b', 0);
                INSERT INTO votes (poll_id, voter_id, option_id, cast_at, version)
                SELECT 'old', gen_random_uuid(), CASE WHEN i % 3 = 0 THEN 'b' ELSE 'a' END, now(), i FROM generate_series(1, 30) AS i;
                """);
        }
        await Migrator.MigrateAsync(database, NullLoggerFactory.Instance, CancellationToken.None);

        var results = new ResultStore(data, TimeProvider.System, new BlockedWords());
        var read = (await results.ReadAsync("old", CancellationToken.None))!;
        Assert.Equal(PollType.Single, read.Type);
        Assert.Equal(30, read.Total);
        Assert.Equal([20L, 10L], read.Options.Select(o => o.Votes));

        // A worker of the release before writes this statement, with no choices or words columns.
        var voter = Guid.NewGuid();
        await using (var connection = await data.OpenConnectionAsync())
        {
            foreach (var (option, version) in new[] { ("a", 100L), ("b", 101L) })
            {
                await connection.ExecuteAsync("""
                    INSERT INTO votes (poll_id, voter_id, option_id, cast_at, version)
                    SELECT v.poll_id, v.voter_id, v.option_id, v.cast_at, v.version
                    FROM unnest(@Polls::text[], @Voters::uuid[], @Options::text[], @Casts::timestamptz[], @Versions::bigint[])
                         AS v(poll_id, voter_id, option_id, cast_at, version)
                    ORDER BY v.poll_id, v.voter_id
                    ON CONFLICT (poll_id, voter_id) DO UPDATE
                      SET option_id = excluded.option_id, cast_at = excluded.cast_at, version = excluded.version
                      WHERE votes.version < excluded.version
                    """, new { Polls = new[] { "old" }, Voters = new[] { voter }, Options = new[] { option }, Casts = new[] { DateTime.UtcNow }, Versions = new[] { version } });
            }
        }
        read = (await results.ReadAsync("old", CancellationToken.None))!;
        Assert.Equal(31, read.Total);
        Assert.Equal([20L, 11L], read.Options.Select(o => o.Votes));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 20, ["b"] = 11 }, await RecountAsync(data, "old"));
    }
}

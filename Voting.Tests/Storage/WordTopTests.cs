using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Storage;

/// <summary>
/// The top words of a words poll come from <c>word_top</c>: the poll's words from a floor up, kept
/// by the trigger beside <c>word_tallies</c> (which has no index on votes, so its updates are HOT).
/// Whatever the floor does (rising as counts grow, falling when changes of mind empty the top), the
/// shown top 50 must equal the top 50 of a recount, and <c>word_top</c> must hold exactly the words
/// at or above the floor with their current counts.
/// </summary>
public class WordTopTests
{
    private static async Task<(NpgsqlDataSource Data, PollStore Store)> DatabaseAsync(string? database = null)
    {
        var data = StorageModule.CreateDataSource(database ?? await TestEnvironment.CreateDatabaseAsync());
        return (data, new PollStore(data));
    }

    private static PollDefinition Words(string id) =>
        new(id, "In a word?", [], false, DateTimeOffset.UtcNow) { Type = PollType.Words, MaxWords = 3 };

    private static VoteRow Ballot(string poll, Guid voter, long version, params string[] words) =>
        new(poll, voter, null, DateTimeOffset.UtcNow, version) { Words = words };

    private static async Task WriteAsync(VoteWriter writer, IEnumerable<VoteRow> ballots, int batch = 1000)
    {
        foreach (var chunk in ballots.Chunk(batch))
        {
            await writer.WriteAsync(chunk, CancellationToken.None);
        }
    }

    /// <summary>The top 50 shown, from the ballots themselves: most votes first, ties by text (ordinal).</summary>
    private static async Task<WordResult[]> RecountTopAsync(NpgsqlDataSource data, string poll, Func<string, bool> shown)
    {
        await using var connection = await data.OpenConnectionAsync();
        var counts = await connection.QueryAsync<(string Word, long Votes)>(
            "SELECT w, count(*) FROM votes, unnest(words) AS w WHERE poll_id = @poll GROUP BY w", new { poll });
        return counts.Where(c => shown(c.Word)).OrderByDescending(c => c.Votes).ThenBy(c => c.Word, StringComparer.Ordinal)
            .Take(ResultStore.TopWords).Select(c => new WordResult(c.Word, c.Votes)).ToArray();
    }

    /// <summary>word_top holds exactly the words whose count reaches max(floor, 1), each with its count; returns the floor and the size.</summary>
    private static async Task<(long Floor, long Kept)> AssertWordTopKeptAsync(NpgsqlDataSource data, string poll)
    {
        await using var connection = await data.OpenConnectionAsync();
        var wrong = await connection.QuerySingleAsync<long>("""
            SELECT count(*) FROM word_tallies w
            FULL JOIN word_top t ON t.poll_id = w.poll_id AND t.word = w.word
            LEFT JOIN poll_ballots b ON b.poll_id = coalesce(w.poll_id, t.poll_id)
            WHERE coalesce(w.poll_id, t.poll_id) = @poll
              AND coalesce(w.votes >= greatest(coalesce(b.top_floor, 0), 1), false) <> coalesce(t.votes = w.votes, false)
            """, new { poll });
        Assert.Equal(0, wrong);
        return await connection.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT top_floor FROM poll_ballots WHERE poll_id = @poll), (SELECT count(*) FROM word_top WHERE poll_id = @poll)", new { poll });
    }

    private static async Task AssertTopAsync(NpgsqlDataSource data, string poll, BlockedWords blocked, Func<string, bool> shown)
    {
        var read = await new ResultStore(data, TimeProvider.System, blocked).ReadAsync(poll, CancellationToken.None);
        Assert.Equal(await RecountTopAsync(data, poll, shown), read!.Words);
    }

    [Fact]
    public async Task The_top_50_equals_a_recount_while_the_floor_rises_and_falls_with_hidden_and_blocked_words()
    {
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("churn"), CancellationToken.None));
        var writer = new VoteWriter(data);
        var random = new Random(13);
        long version = 1;

        // 1,500 words, word i given by 1 + i % 20 voters: more than word_top keeps, so its floor rises.
        var ballots = Enumerable.Range(0, 1500)
            .SelectMany(i => Enumerable.Range(0, 1 + i % 20).Select(_ => $"w{i:0000}"))
            .OrderBy(_ => random.Next())
            .Select(word => Ballot("churn", Guid.NewGuid(), version++, word))
            .ToList();
        await WriteAsync(writer, ballots);
        var (floor, kept) = await AssertWordTopKeptAsync(data, "churn");
        Assert.True(floor > 1, $"the floor stayed at {floor}");
        Assert.InRange(kept, 100, 500);
        await AssertTopAsync(data, "churn", new BlockedWords(), _ => true);

        // Hidden by the organiser and blocked by the list: gone from the top, counts intact.
        var hidden = new[] { "w0019", "w0039", "w0059" };
        foreach (var word in hidden)
        {
            Assert.True(await store.SetWordHiddenAsync("churn", word, hidden: true, CancellationToken.None));
        }
        await AssertTopAsync(data, "churn", new BlockedWords("w0079"), w => !hidden.Contains(w) && w != "w0079");
        Assert.True(await store.SetWordHiddenAsync("churn", "w0019", hidden: false, CancellationToken.None));
        await AssertTopAsync(data, "churn", new BlockedWords(), w => w is not "w0039" and not "w0059");

        // Everyone who gave a word given 5 times or more changes their mind to one of 5,000 new words
        // (3 voters each on average): word_top empties below the floor, which falls, and the new words come in.
        var movers = ballots.Where(b => int.Parse(b.Words![0].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % 20 >= 4).ToList();
        await WriteAsync(writer, movers.Select(b => Ballot("churn", b.VoterId, version++, $"z{random.Next(5000):0000}")));
        var (lowered, keptAfter) = await AssertWordTopKeptAsync(data, "churn");
        Assert.True(lowered < floor, $"the floor stayed at {lowered} (was {floor})");
        Assert.InRange(keptAfter, 100, 500);
        await AssertTopAsync(data, "churn", new BlockedWords(), w => w is not "w0039" and not "w0059");

        // Most of word_top hidden: fewer than 50 of its words are shown, and the read takes every word.
        await using (var connection = await data.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                UPDATE word_tallies w SET hidden = true
                FROM (SELECT word FROM word_top WHERE poll_id = 'churn' ORDER BY votes DESC, word OFFSET 20) AS t
                WHERE w.poll_id = 'churn' AND w.word = t.word
                """);
            var nowHidden = (await connection.QueryAsync<string>("SELECT word FROM word_tallies WHERE poll_id = 'churn' AND hidden")).ToHashSet(StringComparer.Ordinal);
            await AssertTopAsync(data, "churn", new BlockedWords(), w => !nowHidden.Contains(w));
        }
    }

    [Fact]
    public async Task When_every_word_is_tied_all_stay_in_word_top_and_the_top_is_the_first_50_by_text()
    {
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("tied"), CancellationToken.None));
        // As the bench's big words poll: 2,000 words, each given by 3 voters, in one statement.
        await using (var connection = await data.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
                SELECT 'tied', gen_random_uuid(), ARRAY['word ' || lpad((i % 2000)::text, 4, '0')], now(), i
                FROM generate_series(1, 6000) AS i
                """);
        }
        var (floor, kept) = await AssertWordTopKeptAsync(data, "tied");
        Assert.Equal((3L, 2000L), (floor, kept));
        var read = await new ResultStore(data, TimeProvider.System, new BlockedWords()).ReadAsync("tied", CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => new WordResult($"word {i:0000}", 3)), read!.Words);
    }

    [Fact]
    public async Task A_words_read_is_planned_once_per_connection_and_leaves_the_connection_with_the_default_plan_mode()
    {
        // One connection in the pool, so every read and the checks after them share it; and no reset
        // of its session state when it goes back to the pool (an option operators may set), so a
        // setting the read leaves behind would still be there.
        var database = await TestEnvironment.CreateDatabaseAsync();
        var data = StorageModule.CreateDataSource(database + ";Maximum Pool Size=1;No Reset On Close=true");
        await using var _ = data;
        var store = new PollStore(data);
        Assert.True(await store.CreateAsync(Words("planned"), CancellationToken.None));
        await using (var connection = await data.OpenConnectionAsync())
        {
            // Enough words for the custom plans to look cheaper than the generic one, as on the bench.
            await connection.ExecuteAsync("""
                INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
                SELECT 'planned', gen_random_uuid(), ARRAY['word ' || (i % 3000), 'word ' || ((i * 7 + 1) % 3000)], now(), i
                FROM generate_series(1, 30000) AS i;
                ANALYZE;
                """);
        }
        var results = new ResultStore(data, TimeProvider.System, new BlockedWords());
        WordResult[]? first = null;
        for (var i = 0; i < 12; i++)
        {
            var read = await results.ReadAsync("planned", CancellationToken.None);
            Assert.Equal(ResultStore.TopWords, read!.Words!.Count);
            first ??= [.. read.Words];
            Assert.Equal(first, read.Words);
        }

        await using (var connection = await data.OpenConnectionAsync())
        {
            // Npgsql prepared the read after five runs; every run since used the generic plan.
            var (generic, custom) = await connection.QuerySingleAsync<(long, long)>(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%FROM word_top t%'");
            Assert.True(generic >= 5, $"{generic} runs of the generic plan");
            Assert.Equal(0, custom);
            Assert.Equal("auto", await connection.QuerySingleAsync<string>("SHOW plan_cache_mode"));
        }
    }

    [Fact]
    public async Task The_top_words_are_read_through_the_word_top_index_without_scanning_every_word()
    {
        var (data, store) = await DatabaseAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("many"), CancellationToken.None));
        await using var connection = await data.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
            SELECT 'many', gen_random_uuid(), ARRAY['word ' || (i % 20000), 'word ' || (i % 977)], now(), i
            FROM generate_series(1, 40000) AS i;
            ANALYZE;
            """);
        var plan = string.Join("\n", await connection.QueryAsync<string>(
            "EXPLAIN (ANALYZE, COSTS OFF) " + ResultStore.TopWordsSql, new { PollId = "many", Blocked = Array.Empty<string>() }));
        Assert.Contains("ix_word_top", plan);
        // The pass over every word of the poll is there for a top mostly hidden, and does not run.
        Assert.Matches(@"on word_tallies \(never executed\)", plan);
    }

    [Fact]
    public async Task No_deadlock_between_two_writers_giving_overlapping_words_with_changes_of_mind()
    {
        var database = await TestEnvironment.CreateDatabaseAsync();
        var (data, store) = await DatabaseAsync(database);
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("race"), CancellationToken.None));
        await using var stats = await data.OpenConnectionAsync();
        var (deadlocksBefore, commitsBefore) = await StatsAsync(stats);

        // An upsert fires its UPDATE trigger (changed ballots), then its INSERT trigger (new ones).
        // Before migration 6 each took its words in order, but the two passes crossed between writers
        // writing side by side, as a worker's two batches in flight do: one in ten a change of mind.
        var batches = 0;
        async Task Run(int writerIndex)
        {
            var writer = new VoteWriter(data);
            var random = new Random(writerIndex);
            var given = new List<Guid>();
            for (var round = 0; round < 15; round++)
            {
                var batch = Enumerable.Range(0, 1000)
                    .Select(i => i % 10 == 0 && given.Count > 0 ? given[random.Next(given.Count)] : Guid.NewGuid())
                    .Distinct()
                    .Select(voter => Ballot("race", voter, (round * 1000L + random.Next(1000)) * 2 + writerIndex,
                        new[] { $"word {random.Next(10000)}", $"word {random.Next(10000)}" }.Distinct().ToArray()))
                    .ToList();
                given.AddRange(batch.Select(b => b.VoterId));
                await writer.WriteAsync(batch, CancellationToken.None);
                Interlocked.Increment(ref batches);
            }
        }
        await Task.WhenAll(Task.Run(() => Run(1)), Task.Run(() => Run(2)));

        // The writers' statistics reach the shared counters within a second or so of their last commit.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (deadlocks, commits) = await StatsAsync(stats);
        while (commits - commitsBefore < batches && DateTime.UtcNow < deadline)
        {
            await stats.ExecuteAsync("SELECT pg_sleep(0.1)");
            (deadlocks, commits) = await StatsAsync(stats);
        }
        Assert.True(commits - commitsBefore >= batches, "the writers' commits never reached the statistics");
        Assert.Equal(deadlocksBefore, deadlocks);
        await AssertWordTopKeptAsync(data, "race");
        await AssertTopAsync(data, "race", new BlockedWords(), _ => true);
    }

    private static async Task<(long Deadlocks, long Commits)> StatsAsync(NpgsqlConnection connection)
    {
        await connection.ExecuteAsync("SELECT pg_stat_clear_snapshot()");
        return await connection.QuerySingleAsync<(long, long)>(
            "SELECT deadlocks, xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    [Fact]
    public async Task The_migration_fills_word_top_from_the_tallies_and_later_ballots_keep_it()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        await Migrator.MigrateAsync(database, NullLoggerFactory.Instance, CancellationToken.None, upTo: 5);
        var (data, store) = await DatabaseAsync(database);
        await using var _ = data;
        Assert.True(await store.CreateAsync(Words("old"), CancellationToken.None));
        Assert.True(await store.CreateAsync(Words("small"), CancellationToken.None));
        // Counted by migration 4's trigger: 1,200 words in "old" (word i given 1 + i % 30 times), 10 in "small".
        await using (var connection = await data.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
                SELECT 'old', gen_random_uuid(), ARRAY['word ' || lpad(w::text, 4, '0')], now(), w * 100 + n
                FROM generate_series(0, 1199) AS w, generate_series(0, 29) AS n WHERE n <= w % 30;
                INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
                SELECT 'small', gen_random_uuid(), ARRAY['tiny ' || i % 10], now(), 1000000 + i FROM generate_series(1, 25) AS i;
                """);
        }
        await Migrator.MigrateAsync(database, NullLoggerFactory.Instance, CancellationToken.None);

        var (floor, kept) = await AssertWordTopKeptAsync(data, "old");
        Assert.True(floor > 1 && kept is >= 250 and <= 500, $"floor {floor}, {kept} kept");
        Assert.Equal((0L, 10L), await AssertWordTopKeptAsync(data, "small"));
        await AssertTopAsync(data, "old", new BlockedWords(), _ => true);
        await AssertTopAsync(data, "small", new BlockedWords(), _ => true);

        // Ballots after the migration move word_top with the tallies.
        var writer = new VoteWriter(data);
        await WriteAsync(writer, Enumerable.Range(0, 3000).Select(i => Ballot("old", Guid.NewGuid(), 10_000_000 + i, $"word {i % 40:0000}", "fresh")));
        await AssertWordTopKeptAsync(data, "old");
        await AssertTopAsync(data, "old", new BlockedWords(), _ => true);
    }
}

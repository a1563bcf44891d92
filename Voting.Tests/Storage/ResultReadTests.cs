using Dapper;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Storage;

/// <summary>
/// A results read is one statement (one round trip, one snapshot), picked by the poll's type, which
/// the store remembers once it has read the poll; and the data source prepares the statements that
/// keep coming back, so PostgreSQL stops planning them on every read.
/// </summary>
public class ResultReadTests
{
    private static PollDefinition Single(string id) =>
        new(id, "Which one?", [new PollOption("a", "A"), new PollOption("b", "B")], false, DateTimeOffset.UtcNow);

    private static PollDefinition Words(string id) =>
        new(id, "In a word?", [], false, DateTimeOffset.UtcNow) { Type = PollType.Words, MaxWords = 3 };

    [Fact]
    public async Task One_store_reads_words_and_option_polls_alike_the_first_time_and_every_time_after()
    {
        await using var data = StorageModule.CreateDataSource(await TestEnvironment.CreateDatabaseAsync());
        var polls = new PollStore(data);
        Assert.True(await polls.CreateAsync(Words("w"), CancellationToken.None));
        Assert.True(await polls.CreateAsync(Single("s"), CancellationToken.None));
        var writer = new VoteWriter(data);
        await writer.WriteAsync(
        [
            new VoteRow("w", Guid.NewGuid(), null, DateTimeOffset.UtcNow, 1) { Words = ["fast", "simple"] },
            new VoteRow("w", Guid.NewGuid(), null, DateTimeOffset.UtcNow, 2) { Words = ["fast"] },
            new VoteRow("s", Guid.NewGuid(), "b", DateTimeOffset.UtcNow, 3),
        ], CancellationToken.None);
        var store = new ResultStore(data, TimeProvider.System, new BlockedWords());

        for (var read = 0; read < 3; read++)
        {
            var words = await store.ReadAsync("w", CancellationToken.None);
            Assert.Equal((PollType.Words, 2L), (words!.Type, words.Total));
            Assert.Equal([new WordResult("fast", 2), new WordResult("simple", 1)], words.Words);
            Assert.Empty(words.Options);

            var single = await store.ReadAsync("s", CancellationToken.None);
            Assert.Equal((PollType.Single, 1L), (single!.Type, single.Total));
            Assert.Null(single.Words);
            Assert.Equal([new OptionResult("a", "A", 0), new OptionResult("b", "B", 1)], single.Options);
        }

        // A word hidden after the store learnt the poll's type leaves the next read.
        Assert.True(await polls.SetWordHiddenAsync("w", "fast", true, CancellationToken.None));
        Assert.Equal([new WordResult("simple", 1)], (await store.ReadAsync("w", CancellationToken.None))!.Words);
        Assert.Null(await store.ReadAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task A_read_run_again_and_again_is_prepared_on_its_connection()
    {
        var database = await TestEnvironment.CreateDatabaseAsync();
        await using var data = StorageModule.CreateDataSource(database + ";Maximum Pool Size=1");
        Assert.True(await new PollStore(data).CreateAsync(Single("s"), CancellationToken.None));
        var store = new ResultStore(data, TimeProvider.System, new BlockedWords());
        for (var read = 0; read < 10; read++)
        {
            Assert.NotNull(await store.ReadAsync("s", CancellationToken.None));
        }
        await using var connection = await data.OpenConnectionAsync();
        var prepared = await connection.QueryAsync<string>("SELECT statement FROM pg_prepared_statements");
        Assert.Contains(prepared, statement => statement.Contains("poll_ballots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_string_that_says_how_many_statements_to_prepare_is_obeyed()
    {
        var database = await TestEnvironment.CreateDatabaseAsync();
        await using var data = StorageModule.CreateDataSource(database + ";Maximum Pool Size=1;Max Auto Prepare=0");
        await using var defaults = StorageModule.CreateDataSource(database);
        Assert.Equal(32, new NpgsqlConnectionStringBuilder(defaults.ConnectionString).MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(data.ConnectionString).MaxAutoPrepare);
        Assert.True(await new PollStore(data).CreateAsync(Single("s"), CancellationToken.None));
        var store = new ResultStore(data, TimeProvider.System, new BlockedWords());
        for (var read = 0; read < 10; read++)
        {
            Assert.NotNull(await store.ReadAsync("s", CancellationToken.None));
        }
        await using var connection = await data.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_prepared_statements"));
    }
}

using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>
/// A words poll's words for its organiser, hidden ones included, most given first. Bounded: a poll may
/// collect tens of thousands of distinct words, and the page lists the first thousand.
/// </summary>
internal sealed class SubmittedWords(NpgsqlDataSource dataSource)
{
    public const int Limit = 1000;

    internal sealed record Word(string Text, long Votes, bool Hidden);

    internal sealed record List(IReadOnlyList<Word> Words, bool More, bool Unavailable = false);

    public async Task<List> ReadAsync(string pollId, CancellationToken cancellationToken)
    {
        // Words hidden before anyone gave them (votes 0) are listed too, so they can be unhidden.
        const string sql = """
            SELECT word AS Text, votes::bigint AS Votes, coalesce(hidden, false) AS Hidden
            FROM word_tallies WHERE poll_id = @PollId AND (votes > 0 OR hidden IS NOT NULL)
            ORDER BY votes DESC, word COLLATE "C" LIMIT @Take
            """;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<Word>(new CommandDefinition(sql, new { PollId = pollId, Take = Limit + 1 }, cancellationToken: cancellationToken))).ToList();
            return new List(rows.Take(Limit).ToArray(), rows.Count > Limit);
        }
        catch (NpgsqlException)
        {
            return new List([], false, Unavailable: true);
        }
    }
}

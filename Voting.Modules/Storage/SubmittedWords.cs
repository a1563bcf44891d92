using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>
/// A words poll's words for its organiser, hidden ones included, most given first. Bounded: a poll may
/// collect tens of thousands of distinct words, and the page lists the first thousand. Since migration
/// 6 no index orders them by count (that kept every count update from being a HOT update), so this
/// sorts the poll's words (O(words of the poll), about 10 ms for 10,000 on a loaded 2-core machine):
/// fine for one organiser's page, never on the audience's path.
/// A word the blocked-words list hides shows as hidden and blocked, with Unhide.
/// </summary>
internal sealed class SubmittedWords(NpgsqlDataSource dataSource, BlockedWords blocked)
{
    public const int Limit = 1000;

    internal sealed record Word(string Text, long Votes, bool Hidden)
    {
        /// <summary>Hidden by the blocked-words list, not by the organiser.</summary>
        public bool Blocked { get; init; }
    }

    internal sealed record List(IReadOnlyList<Word> Words, bool More, bool Unavailable = false);

    public async Task<List> ReadAsync(string pollId, CancellationToken cancellationToken)
    {
        // Words hidden or shown before anyone gave them (votes 0) are listed too, so they can be changed back.
        const string sql = $"""
            (SELECT word AS Text, votes::bigint AS Votes, {BlockedWords.HiddenSql} AS Hidden, hidden IS NULL AS Undecided
             FROM word_tallies WHERE poll_id = @PollId AND hidden IS NOT TRUE AND (votes > 0 OR hidden IS NOT NULL)
             ORDER BY votes DESC, word LIMIT @Take)
            UNION ALL
            (SELECT word, votes::bigint, true, false FROM word_tallies WHERE poll_id = @PollId AND hidden IS TRUE
             ORDER BY votes DESC, word LIMIT @Take)
            """;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql, new { PollId = pollId, Take = Limit + 1, Blocked = blocked.Entries }, cancellationToken: cancellationToken)))
                .OrderByDescending(r => r.Votes).ThenBy(r => r.Text, StringComparer.Ordinal).ToList();
            var words = rows.Take(Limit).Select(r => new Word(r.Text, r.Votes, r.Hidden) { Blocked = r.Hidden && r.Undecided }).ToArray();
            return new List(words, rows.Count > Limit);
        }
        catch (NpgsqlException)
        {
            return new List([], false, Unavailable: true);
        }
    }

    private sealed record Row(string Text, long Votes, bool Hidden, bool Undecided);
}

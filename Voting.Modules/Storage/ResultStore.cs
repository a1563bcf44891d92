using System.Data;
using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>
/// Reads a poll's results from the kept tallies: cost O(options) or O(words shown), never O(votes). Each read is
/// retried once on a transient error (the first command after a PostgreSQL restart fails).
/// </summary>
internal sealed class ResultStore(NpgsqlDataSource dataSource, TimeProvider time, BlockedWords blocked)
{
    public Task<PollResults?> ReadAsync(string pollId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ReadOnceAsync(pollId, ct), cancellationToken);

    /// <summary>
    /// Every word of a words poll that is not hidden, most votes first, ties by text: for the
    /// organiser's export, which lists them all (O(words), never on the audience's path).
    /// </summary>
    private Task<IReadOnlyList<WordResult>> VisibleWordsAsync(string pollId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, async ct =>
        {
            const string sql = $"""
                SELECT word AS Text, votes AS Votes FROM word_tallies
                WHERE poll_id = @PollId AND votes > 0 AND {BlockedWords.ShownSql}
                ORDER BY votes DESC, word
                """;
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return (IReadOnlyList<WordResult>)(await connection.QueryAsync<WordResult>(new CommandDefinition(sql, new { PollId = pollId, Blocked = blocked.Entries }, cancellationToken: ct))).AsList();
        }, cancellationToken);

    /// <summary>
    /// The results as the organiser's CSV has them: as <see cref="ReadAsync"/>, but with every visible
    /// word of a words poll rather than the 50 the results show.
    /// </summary>
    public async Task<PollResults?> ReadForExportAsync(string pollId, CancellationToken cancellationToken)
    {
        var results = await ReadAsync(pollId, cancellationToken);
        return results is { Type: PollType.Words } ? results with { Words = await VisibleWordsAsync(pollId, cancellationToken) } : results;
    }

    public Task<bool> ExistsAsync(string pollId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ExistsOnceAsync(pollId, ct), cancellationToken);

    /// <summary>
    /// The most voted words a words poll shows (the query's LIMIT); read from <c>word_top</c> through
    /// <c>ix_word_top</c>, never by scanning every word, unless fewer than 50 of the words there are
    /// shown (a poll of few words, or most of its top hidden): then from all the poll's words.
    /// </summary>
    public const int TopWords = 50;

    /// <summary>The top words a words poll shows, most votes first, ties by text. Takes <c>@PollId</c> and <c>@Blocked</c>.</summary>
    internal const string TopWordsSql = $"""
        WITH top AS (
          SELECT word, t.votes FROM word_top t JOIN word_tallies USING (poll_id, word)
          WHERE t.poll_id = @PollId AND {BlockedWords.ShownSql}
          ORDER BY t.votes DESC, word
          LIMIT 50)
        SELECT word AS Text, votes AS Votes FROM (
          SELECT word, votes FROM top WHERE (SELECT count(*) FROM top) = 50
          UNION ALL
          (SELECT word, votes FROM word_tallies
           WHERE poll_id = @PollId AND votes > 0 AND {BlockedWords.ShownSql} AND (SELECT count(*) FROM top) < 50
           ORDER BY votes DESC, word
           LIMIT 50)) AS shown
        ORDER BY votes DESC, word
        """;

    private async Task<PollResults?> ReadOnceAsync(string pollId, CancellationToken cancellationToken)
    {
        // The poll with its ballot count and its options' tallies in one round trip; a words poll's
        // top words in a second, in the same snapshot. Only words polls pay for the words query
        // (its plan alone cost every single-choice read about half a millisecond).
        const string sql = """
            SELECT p.question AS Question, p.closed AS Closed, p.type AS Type, p.results_visibility AS Visibility,
                   p.results_revealed AS Revealed, p.closes_at AS ClosesAt, coalesce(b.ballots, 0) AS Ballots
            FROM polls p LEFT JOIN poll_ballots b ON b.poll_id = p.id
            WHERE p.id = @PollId;
            SELECT o.id AS Id, o.label AS Label, coalesce(t.votes, 0) AS Votes
            FROM poll_options o LEFT JOIN tallies t ON t.poll_id = o.poll_id AND t.option_id = o.id
            WHERE o.poll_id = @PollId
            ORDER BY o.position;
            """;
        // One snapshot for every statement: under READ COMMITTED each would take its own, and a
        // worker's commit landing between them gave a ballot count from before it beside tallies from
        // after it (300 votes over 9 ballots). Npgsql sends the BEGIN with the first query.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        PollRow? poll;
        OptionResult[] options;
        await using (var reader = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { PollId = pollId }, transaction, cancellationToken: cancellationToken)))
        {
            poll = await reader.ReadSingleOrDefaultAsync<PollRow>();
            options = (await reader.ReadAsync<OptionResult>()).ToArray();
        }
        var words = poll?.Type == PollTypes.Name(PollType.Words)
            ? (await connection.QueryAsync<WordResult>(new CommandDefinition(TopWordsSql, new { PollId = pollId, Blocked = blocked.Entries }, transaction, cancellationToken: cancellationToken))).ToArray()
            : [];
        await transaction.CommitAsync(cancellationToken);
        if (poll is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var closesAt = PollStore.Utc(poll.ClosesAt);
        var closed = poll.Closed || closesAt <= now;
        var mode = Visibility.TryParse(poll.Visibility, out var m) ? m : ResultsVisibility.Always;
        var type = PollTypes.TryParse(poll.Type, out var t) ? t : PollType.Single;
        return new PollResults(pollId, poll.Question, options, poll.Ballots, closed, now)
        {
            Type = type,
            Average = type == PollType.Rating ? RatingAverage.Of(options, poll.Ballots) : default,
            Words = type == PollType.Words ? words : null,
            Hidden = !Visibility.IsVisible(mode, poll.Revealed, closed),
            ClosesAt = closesAt,
            ResultsVisibility = mode,
            ResultsRevealed = poll.Revealed,
        };
    }

    private async Task<bool> ExistsOnceAsync(string pollId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM polls WHERE id = @PollId)", new { PollId = pollId }, cancellationToken: cancellationToken));
    }

    private sealed record PollRow(string Question, bool Closed, string Type, string Visibility, bool? Revealed, DateTime? ClosesAt, long Ballots);
}

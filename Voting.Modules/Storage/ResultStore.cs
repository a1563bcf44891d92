using System.Collections.Concurrent;
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

    // The poll with its ballot count and its options' tallies, as one statement: one round trip and
    // one snapshot. (Under READ COMMITTED each statement of a batch takes its own snapshot, and a
    // worker's commit landing between two of them gave a ballot count from before it beside tallies
    // from after it: 300 votes over 9 ballots.)
    private const string PollColumns = """
        SELECT p.question, p.closed, p.type, p.results_visibility, p.results_revealed, p.closes_at,
               coalesce(b.ballots, 0), o.ids, o.labels, o.votes
        """;

    private const string PollJoins = """
        FROM polls p
        LEFT JOIN poll_ballots b ON b.poll_id = p.id
        LEFT JOIN LATERAL (
          SELECT array_agg(po.id ORDER BY po.position) AS ids, array_agg(po.label ORDER BY po.position) AS labels,
                 array_agg(coalesce(t.votes, 0) ORDER BY po.position) AS votes
          FROM poll_options po LEFT JOIN tallies t ON t.poll_id = po.poll_id AND t.option_id = po.id
          WHERE po.poll_id = p.id) o ON true
        """;

    private const string OptionsPollSql = PollColumns + "\n" + PollJoins + "\nWHERE p.id = @PollId";

    // A words poll's read: the same, with its top words in the same statement.
    private const string WordsPollSql = PollColumns + ", w.texts, w.votes\n" + PollJoins + $"""

        LEFT JOIN LATERAL (
          SELECT array_agg(s.text ORDER BY s.votes DESC, s.text) AS texts, array_agg(s.votes ORDER BY s.votes DESC, s.text) AS votes
          FROM ({TopWordsSql}) AS s) w ON true
        WHERE p.id = @PollId
        """;

    // The type of each poll read here: it never changes once a poll exists, and it picks the one
    // statement a read needs. Only words polls pay for the words query (its plan alone cost every
    // single-choice read about half a millisecond). Bounded: forgotten wholesale when full.
    private readonly ConcurrentDictionary<string, bool> _isWordsPoll = new(StringComparer.Ordinal);
    private const int RememberedTypes = 100_000;

    private async Task<PollResults?> ReadOnceAsync(string pollId, CancellationToken cancellationToken)
    {
        var remembered = _isWordsPoll.TryGetValue(pollId, out var words);
        var read = await ReadRowAsync(pollId, words, cancellationToken);
        if (read is null)
        {
            return null;
        }
        if (!remembered)
        {
            words = read.Type == PollTypes.Name(PollType.Words);
            if (words)
            {
                // First read of a words poll here: once more, with its words.
                read = await ReadRowAsync(pollId, true, cancellationToken);
                if (read is null)
                {
                    return null;
                }
            }
            // (Count takes every lock of the dictionary: only on a poll's first read, never on the next ones.)
            if (_isWordsPoll.Count >= RememberedTypes)
            {
                _isWordsPoll.Clear();
            }
            _isWordsPoll.TryAdd(pollId, words);
        }

        var now = time.GetUtcNow();
        var closesAt = PollStore.Utc(read.ClosesAt);
        var closed = read.Closed || closesAt <= now;
        var mode = Visibility.TryParse(read.Visibility, out var m) ? m : ResultsVisibility.Always;
        var type = PollTypes.TryParse(read.Type, out var t) ? t : PollType.Single;
        return new PollResults(pollId, read.Question, read.Options, read.Ballots, closed, now)
        {
            Type = type,
            Average = type == PollType.Rating ? RatingAverage.Of(read.Options, read.Ballots) : default,
            Words = type == PollType.Words ? read.Words : null,
            Hidden = !Visibility.IsVisible(mode, read.Revealed, closed),
            ClosesAt = closesAt,
            ResultsVisibility = mode,
            ResultsRevealed = read.Revealed,
        };
    }

    // A words read with its plan made once per connection. PostgreSQL plans a prepared statement
    // afresh on each run for as long as its custom plans look cheaper than the generic one; for the
    // words read they always do with an empty blocked-words list (the generic plan must cost a
    // filter on an array of unknown length), so every read was planned again: 0.35 ms of its 0.6 ms
    // in PostgreSQL, for a generic plan that runs as fast. The setting holds for this statement
    // only: set and reset around it in the same round trip and the same implicit transaction (an
    // error rolls the SET back with it), so the pooled connection keeps the server's default even
    // where the pool does not reset a connection's session (No Reset On Close).
    private const string GenericPlansSql = "SET plan_cache_mode = force_generic_plan";
    private const string DefaultPlansSql = "RESET plan_cache_mode";

    private async Task<PollRow?> ReadRowAsync(string pollId, bool withWords, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var read = new NpgsqlBatchCommand(withWords ? WordsPollSql : OptionsPollSql);
        read.Parameters.AddWithValue("PollId", pollId);
        if (withWords)
        {
            read.Parameters.AddWithValue("Blocked", blocked.Entries);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlansSql));
        }
        batch.BatchCommands.Add(read);
        if (withWords)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DefaultPlansSql));
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var ids = reader.IsDBNull(7) ? [] : reader.GetFieldValue<string[]>(7);
        var labels = reader.IsDBNull(8) ? [] : reader.GetFieldValue<string[]>(8);
        var votes = reader.IsDBNull(9) ? [] : reader.GetFieldValue<long[]>(9);
        var options = new OptionResult[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            options[i] = new OptionResult(ids[i], labels[i], votes[i]);
        }
        WordResult[] words = [];
        if (withWords && !reader.IsDBNull(10))
        {
            var texts = reader.GetFieldValue<string[]>(10);
            var counts = reader.GetFieldValue<long[]>(11);
            words = new WordResult[texts.Length];
            for (var i = 0; i < texts.Length; i++)
            {
                words[i] = new WordResult(texts[i], counts[i]);
            }
        }
        return new PollRow(
            reader.GetString(0), reader.GetBoolean(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetDateTime(5),
            reader.GetInt64(6), options, words);
    }

    private async Task<bool> ExistsOnceAsync(string pollId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM polls WHERE id = @PollId)", new { PollId = pollId }, cancellationToken: cancellationToken));
    }

    private sealed record PollRow(string Question, bool Closed, string Type, string Visibility, bool? Revealed, DateTime? ClosesAt, long Ballots, OptionResult[] Options, WordResult[] Words);
}

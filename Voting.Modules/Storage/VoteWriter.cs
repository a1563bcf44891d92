using Npgsql;
using NpgsqlTypes;

namespace Voting.Storage;

/// <summary>
/// Writes a batch of ballots in one transaction: closes met in the stream, the upsert where the later
/// version wins (and no vote from a poll's close point on), tallies moved by the triggers, and one
/// NOTIFY per poll touched.
/// </summary>
internal sealed class VoteWriter(NpgsqlDataSource dataSource)
{
    private const int MaxDeadlockRetries = 5;

    // The poll role already refuses votes after a close (Redis decides, see VoteStream); this is the
    // same rule where votes are stored, so a closed poll's tally cannot change whatever wrote the
    // stream. A voter may have several votes in one batch: the latest one before the poll's close
    // point counts (DISTINCT ON after the close filter), so a vote past a close the worker did not
    // know of cannot push aside the one the voter cast before it. Rows are inserted in (poll, voter)
    // order so that two workers lock vote rows in the same order.
    // A set of choices travels as one text, its members joined by the unit separator (U+001F): option
    // ids are letters, digits, '-' and '_', and words carry no control character (WordText), so
    // neither can hold it. One array per column keeps the batch one statement over unnest.
    private const string UpsertSql = """
        INSERT INTO votes (poll_id, voter_id, option_id, choices, words, cast_at, version)
        SELECT DISTINCT ON (v.poll_id, v.voter_id)
               v.poll_id, v.voter_id, v.option_id, string_to_array(v.choices, chr(31)), string_to_array(v.words, chr(31)), v.cast_at, v.version
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[])
             AS v(poll_id, voter_id, option_id, choices, words, cast_at, version)
        WHERE NOT EXISTS (SELECT 1 FROM polls p WHERE p.id = v.poll_id AND p.close_version <= v.version)
        ORDER BY v.poll_id, v.voter_id, v.version DESC
        ON CONFLICT (poll_id, voter_id) DO UPDATE
          SET option_id = excluded.option_id, choices = excluded.choices, words = excluded.words,
              cast_at = excluded.cast_at, version = excluded.version
          WHERE votes.version < excluded.version
        """;

    private const char Separator = '\u001F';

    // A close point only ever moves earlier: the first close wins, wherever it was recorded first.
    private const string CloseSql = """
        UPDATE polls p
        SET closed = true, closed_at = coalesce(p.closed_at, c.closed_at),
            close_version = least(p.close_version, c.version), revision = nextval('poll_revision')
        FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS c(poll_id, version, closed_at)
        WHERE p.id = c.poll_id AND (p.close_version IS NULL OR p.close_version > c.version)
        """;

    private const string NotifySql = $"SELECT pg_notify('{StorageSettings.ChangeChannel}', p) FROM unnest($1::text[]) AS p";

    /// <summary>
    /// Writes votes, any number per (poll, voter): each voter's latest before the poll's close point
    /// is stored. Returns the number of rows inserted or replaced (a redelivered or older vote
    /// changes nothing).
    /// </summary>
    public Task<int> WriteAsync(IReadOnlyList<VoteRow> votes, CancellationToken cancellationToken) =>
        WriteAsync(votes, [], cancellationToken);

    /// <summary>As above, with the close markers met in the same batch, applied first.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<VoteRow> votes, IReadOnlyList<CloseRow> closes, CancellationToken cancellationToken)
    {
        if (votes.Count == 0 && closes.Count == 0)
        {
            return 0;
        }
        var polls = new string[votes.Count];
        var voters = new Guid[votes.Count];
        var options = new string?[votes.Count];
        var choices = new string?[votes.Count];
        var words = new string?[votes.Count];
        var casts = new DateTime[votes.Count];
        var versions = new long[votes.Count];
        for (var i = 0; i < votes.Count; i++)
        {
            polls[i] = votes[i].PollId;
            voters[i] = votes[i].VoterId;
            options[i] = votes[i].OptionId;
            choices[i] = votes[i].Choices is { } c ? string.Join(Separator, c) : null;
            words[i] = votes[i].Words is { } w ? string.Join(Separator, w) : null;
            casts[i] = votes[i].CastAt.UtcDateTime;
            versions[i] = votes[i].Version;
        }
        var touched = polls.Concat(closes.Select(c => c.PollId)).Distinct(StringComparer.Ordinal).ToArray();

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var batch = new NpgsqlBatch(connection, transaction);
                if (closes.Count > 0)
                {
                    var close = new NpgsqlBatchCommand(CloseSql);
                    close.Parameters.Add(new NpgsqlParameter { Value = closes.Select(c => c.PollId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                    close.Parameters.Add(new NpgsqlParameter { Value = closes.Select(c => c.Version).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                    close.Parameters.Add(new NpgsqlParameter { Value = closes.Select(c => c.ClosedAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
                    batch.BatchCommands.Add(close);
                }
                var upsert = new NpgsqlBatchCommand(UpsertSql);
                upsert.Parameters.Add(new NpgsqlParameter { Value = polls, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = voters, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                upsert.Parameters.Add(new NpgsqlParameter { Value = options, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = choices, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = words, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = casts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
                upsert.Parameters.Add(new NpgsqlParameter { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                var notify = new NpgsqlBatchCommand(NotifySql);
                notify.Parameters.Add(new NpgsqlParameter { Value = touched, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(upsert);
                batch.BatchCommands.Add(notify);
                await batch.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return upsert.RecordsAffected > int.MaxValue ? int.MaxValue : (int)upsert.RecordsAffected;
            }
            catch (PostgresException e) when (attempt < MaxDeadlockRetries && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
            }
        }
    }
}

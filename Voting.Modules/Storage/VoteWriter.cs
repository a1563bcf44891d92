using Npgsql;
using NpgsqlTypes;

namespace Voting.Storage;

/// <summary>
/// Writes a batch of votes in one transaction: upsert where the later version wins, tallies moved
/// by the triggers, and one NOTIFY per poll touched.
/// </summary>
public sealed class VoteWriter(NpgsqlDataSource dataSource)
{
    private const int MaxDeadlockRetries = 5;

    // Rows are inserted in (poll, voter) order so that two workers lock vote rows in the same order.
    private const string UpsertSql = """
        INSERT INTO votes (poll_id, voter_id, option_id, cast_at, version)
        SELECT poll_id, voter_id, option_id, cast_at, version
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::bigint[])
             AS v(poll_id, voter_id, option_id, cast_at, version)
        ORDER BY poll_id, voter_id
        ON CONFLICT (poll_id, voter_id) DO UPDATE
          SET option_id = excluded.option_id, cast_at = excluded.cast_at, version = excluded.version
          WHERE votes.version < excluded.version
        """;

    private const string NotifySql = $"SELECT pg_notify('{StorageSettings.ChangeChannel}', p) FROM unnest($1::text[]) AS p";

    /// <summary>
    /// Writes votes that are already collapsed to one per (poll, voter). Returns the number of
    /// rows inserted or replaced (a redelivered or older vote changes nothing).
    /// </summary>
    public async Task<int> WriteAsync(IReadOnlyList<VoteRow> votes, CancellationToken cancellationToken)
    {
        if (votes.Count == 0)
        {
            return 0;
        }
        var polls = new string[votes.Count];
        var voters = new Guid[votes.Count];
        var options = new string[votes.Count];
        var casts = new DateTime[votes.Count];
        var versions = new long[votes.Count];
        for (var i = 0; i < votes.Count; i++)
        {
            polls[i] = votes[i].PollId;
            voters[i] = votes[i].VoterId;
            options[i] = votes[i].OptionId;
            casts[i] = votes[i].CastAt.UtcDateTime;
            versions[i] = votes[i].Version;
        }
        var touched = polls.Distinct(StringComparer.Ordinal).ToArray();

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var batch = new NpgsqlBatch(connection, transaction);
                var upsert = new NpgsqlBatchCommand(UpsertSql);
                upsert.Parameters.Add(new NpgsqlParameter { Value = polls, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = voters, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                upsert.Parameters.Add(new NpgsqlParameter { Value = options, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
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

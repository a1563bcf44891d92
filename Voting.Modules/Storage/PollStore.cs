using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>Poll definitions: created and closed by the poll role, read by every role.</summary>
internal sealed class PollStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores a new poll with a zero tally for each option. False when the id is taken.</summary>
    public async Task<bool> CreateAsync(PollDefinition poll, CancellationToken cancellationToken)
    {
        const string insertPoll = """
            INSERT INTO polls (id, question, closed, created_at, revision, results_visibility, closes_at)
            VALUES (@Id, @Question, false, @CreatedAt, nextval('poll_revision'), @Visibility, @ClosesAt)
            ON CONFLICT (id) DO NOTHING
            """;
        const string insertOptions = """
            INSERT INTO poll_options (poll_id, id, label, position)
            SELECT @PollId, id, label, position
            FROM unnest(@Ids::text[], @Labels::text[]) WITH ORDINALITY AS o(id, label, position);
            INSERT INTO tallies (poll_id, option_id, votes)
            SELECT @PollId, id, 0 FROM unnest(@Ids::text[]) AS o(id);
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(insertPoll,
            new { poll.Id, poll.Question, CreatedAt = poll.CreatedAt.UtcDateTime, Visibility = Visibility.Name(poll.ResultsVisibility), ClosesAt = poll.ClosesAt?.UtcDateTime },
            transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return false;
        }
        await connection.ExecuteAsync(new CommandDefinition(insertOptions, new
        {
            PollId = poll.Id,
            Ids = poll.Options.Select(o => o.Id).ToArray(),
            Labels = poll.Options.Select(o => o.Label).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Records a close with its close point (a version in stream order: no vote from it on counts)
    /// and tells result processes. The earliest close point wins. Null when there is no such poll.
    /// </summary>
    public async Task<PollDefinition?> CloseAsync(string pollId, DateTimeOffset closedAt, long closeVersion, CancellationToken cancellationToken)
    {
        const string sql = $"""
            UPDATE polls SET closed = true, closed_at = coalesce(closed_at, @ClosedAt),
                close_version = least(close_version, @CloseVersion), revision = nextval('poll_revision')
            WHERE id = @PollId;
            SELECT pg_notify('{StorageSettings.ChangeChannel}', @PollId);
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { PollId = pollId, ClosedAt = closedAt.UtcDateTime, CloseVersion = closeVersion }, cancellationToken: cancellationToken));
        var polls = await ReadAsync(connection, "WHERE p.id = @PollId", new { PollId = pollId }, cancellationToken);
        return polls.Count == 0 ? null : polls[0].Poll;
    }

    /// <summary>
    /// The organiser's reveal (true), hide (false) or back to the mode (null), told to the result
    /// processes at once. Null when there is no such poll.
    /// </summary>
    public async Task<PollDefinition?> SetRevealedAsync(string pollId, bool? revealed, CancellationToken cancellationToken)
    {
        const string sql = $"""
            UPDATE polls SET results_revealed = @Revealed, revision = nextval('poll_revision') WHERE id = @PollId;
            SELECT pg_notify('{StorageSettings.ChangeChannel}', @PollId);
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { PollId = pollId, Revealed = revealed }, cancellationToken: cancellationToken));
        var polls = await ReadAsync(connection, "WHERE p.id = @PollId", new { PollId = pollId }, cancellationToken);
        return polls.Count == 0 ? null : polls[0].Poll;
    }

    /// <summary>
    /// Sets or clears (null) the time a poll closes by itself, unless it is closed already: a close,
    /// or a timer that has run out, is never undone. Returns the poll as stored afterwards, or null
    /// when there is no such poll.
    /// </summary>
    public async Task<PollDefinition?> SetClosesAtAsync(string pollId, DateTimeOffset? closesAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = $"""
            UPDATE polls SET closes_at = @ClosesAt, revision = nextval('poll_revision')
            WHERE id = @PollId AND NOT closed AND (closes_at IS NULL OR closes_at > @Now);
            SELECT pg_notify('{StorageSettings.ChangeChannel}', @PollId);
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { PollId = pollId, ClosesAt = closesAt?.UtcDateTime, Now = now.UtcDateTime }, cancellationToken: cancellationToken));
        var polls = await ReadAsync(connection, "WHERE p.id = @PollId", new { PollId = pollId }, cancellationToken);
        return polls.Count == 0 ? null : polls[0].Poll;
    }

    /// <summary>Every poll whose revision is above <paramref name="sinceRevision"/>, oldest change first.</summary>
    public async Task<IReadOnlyList<(PollDefinition Poll, long Revision)>> LoadChangedAsync(long sinceRevision, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, "WHERE p.revision > @Since", new { Since = sinceRevision }, cancellationToken);
    }

    public async Task<PollDefinition?> FindAsync(string pollId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var polls = await ReadAsync(connection, "WHERE p.id = @PollId", new { PollId = pollId }, cancellationToken);
        return polls.Count == 0 ? null : polls[0].Poll;
    }

    /// <summary>Total votes of the polls named, from the tallies (O(options), not O(votes)); retried once on a transient error.</summary>
    public Task<IReadOnlyDictionary<string, long>> TotalsAsync(IReadOnlyCollection<string> pollIds, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ReadTotalsAsync(pollIds, ct), cancellationToken);

    private async Task<IReadOnlyDictionary<string, long>> ReadTotalsAsync(IReadOnlyCollection<string> pollIds, CancellationToken cancellationToken)
    {
        const string sql = "SELECT poll_id AS PollId, sum(votes)::bigint AS Total FROM tallies WHERE poll_id = ANY(@PollIds) GROUP BY poll_id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string PollId, long Total)>(new CommandDefinition(sql, new { PollIds = pollIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.PollId, r => r.Total, StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<(PollDefinition Poll, long Revision)>> ReadAsync(NpgsqlConnection connection, string where, object parameters, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT p.id AS PollId, p.question AS Question, p.closed AS Closed, p.created_at AS CreatedAt,
                   p.revision AS Revision, o.id AS OptionId, o.label AS Label,
                   p.results_visibility AS Visibility, p.results_revealed AS Revealed, p.closes_at AS ClosesAt
            FROM polls p JOIN poll_options o ON o.poll_id = p.id
            {where}
            ORDER BY p.revision, p.id, o.position
            """;
        var rows = await connection.QueryAsync<PollRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var polls = new List<(PollDefinition, long)>();
        foreach (var group in rows.GroupBy(r => r.PollId, StringComparer.Ordinal))
        {
            var first = group.First();
            var options = group.Select(r => new PollOption(r.OptionId, r.Label)).ToArray();
            var createdAt = new DateTimeOffset(DateTime.SpecifyKind(first.CreatedAt, DateTimeKind.Utc));
            var visibility = Visibility.TryParse(first.Visibility, out var mode) ? mode : ResultsVisibility.Always;
            polls.Add((new PollDefinition(first.PollId, first.Question, options, first.Closed, createdAt)
            {
                ResultsVisibility = visibility,
                ResultsRevealed = first.Revealed,
                ClosesAt = Utc(first.ClosesAt),
            }, first.Revision));
        }
        return polls;
    }

    internal static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private sealed record PollRow(string PollId, string Question, bool Closed, DateTime CreatedAt, long Revision, string OptionId, string Label,
        string Visibility, bool? Revealed, DateTime? ClosesAt);
}

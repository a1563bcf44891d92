using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>Poll definitions: created and closed by the poll role, read by every role.</summary>
internal sealed class PollStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores a new poll with a zero tally for each option and no ballot. False when the id is taken.</summary>
    public async Task<bool> CreateAsync(PollDefinition poll, CancellationToken cancellationToken)
    {
        const string insertPoll = """
            INSERT INTO polls (id, question, closed, created_at, revision, results_visibility, closes_at,
                               type, max_choices, scale_min, scale_max, min_label, max_label, max_words,
                               event_id, event_position)
            VALUES (@Id, @Question, false, @CreatedAt, nextval('poll_revision'), @Visibility, @ClosesAt,
                    @Type, @MaxChoices, @ScaleMin, @ScaleMax, @MinLabel, @MaxLabel, @MaxWords,
                    @EventId, CASE WHEN @EventId::text IS NOT NULL THEN (SELECT coalesce(max(event_position), 0) + 1 FROM polls WHERE event_id = @EventId) END)
            ON CONFLICT (id) DO NOTHING
            """;
        const string insertOptions = """
            INSERT INTO poll_options (poll_id, id, label, position)
            SELECT @PollId, id, label, position
            FROM unnest(@Ids::text[], @Labels::text[]) WITH ORDINALITY AS o(id, label, position);
            INSERT INTO tallies (poll_id, option_id, votes)
            SELECT @PollId, id, 0 FROM unnest(@Ids::text[]) AS o(id);
            INSERT INTO poll_ballots (poll_id, ballots) VALUES (@PollId, 0);
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(insertPoll, new
        {
            poll.Id,
            poll.Question,
            CreatedAt = poll.CreatedAt.UtcDateTime,
            Visibility = Visibility.Name(poll.ResultsVisibility),
            ClosesAt = poll.ClosesAt?.UtcDateTime,
            Type = PollTypes.Name(poll.Type),
            poll.MaxChoices,
            ScaleMin = poll.Scale?.Min,
            ScaleMax = poll.Scale?.Max,
            MinLabel = poll.Scale?.MinLabel,
            MaxLabel = poll.Scale?.MaxLabel,
            poll.MaxWords,
            poll.EventId,
        }, transaction, cancellationToken: cancellationToken));
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
    /// Hides (true) or shows again (false) a word of a words poll, whether or not anyone has given it
    /// yet; its count is kept either way. Result processes are told at once. False when there is no such poll.
    /// </summary>
    public async Task<bool> SetWordHiddenAsync(string pollId, string word, bool hidden, CancellationToken cancellationToken)
    {
        const string upsert = """
            WITH up AS (
              INSERT INTO word_tallies (poll_id, word, votes, hidden)
              SELECT id, @Word, 0, @Hidden FROM polls WHERE id = @PollId
              ON CONFLICT (poll_id, word) DO UPDATE SET hidden = excluded.hidden
              RETURNING 1)
            SELECT count(*) FROM up
            """;
        const string notify = $"SELECT pg_notify('{StorageSettings.ChangeChannel}', @PollId)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { PollId = pollId, Word = word, Hidden = hidden };
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(upsert, parameters, cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }
        await connection.ExecuteAsync(new CommandDefinition(notify, parameters, cancellationToken: cancellationToken));
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

    /// <summary>Voters with a ballot in each poll named, kept by the triggers (never a count of votes); retried once on a transient error.</summary>
    public Task<IReadOnlyDictionary<string, long>> TotalsAsync(IReadOnlyCollection<string> pollIds, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ReadTotalsAsync(pollIds, ct), cancellationToken);

    private async Task<IReadOnlyDictionary<string, long>> ReadTotalsAsync(IReadOnlyCollection<string> pollIds, CancellationToken cancellationToken)
    {
        // Voters with a ballot: a multiple-choice ballot adds to several tallies, a words poll has no option tallies.
        const string sql = "SELECT poll_id AS PollId, ballots AS Total FROM poll_ballots WHERE poll_id = ANY(@PollIds)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string PollId, long Total)>(new CommandDefinition(sql, new { PollIds = pollIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.PollId, r => r.Total, StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<(PollDefinition Poll, long Revision)>> ReadAsync(NpgsqlConnection connection, string where, object parameters, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT p.id AS PollId, p.question AS Question, p.closed AS Closed, p.created_at AS CreatedAt,
                   p.revision AS Revision, o.id AS OptionId, o.label AS Label,
                   p.results_visibility AS Visibility, p.results_revealed AS Revealed, p.closes_at AS ClosesAt,
                   p.type AS Type, p.max_choices AS MaxChoices, p.scale_min AS ScaleMin, p.scale_max AS ScaleMax,
                   p.min_label AS MinLabel, p.max_label AS MaxLabel, p.max_words AS MaxWords,
                   p.event_id AS EventId
            FROM polls p LEFT JOIN poll_options o ON o.poll_id = p.id
            {where}
            ORDER BY p.revision, p.id, o.position
            """;
        var rows = await connection.QueryAsync<PollRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var polls = new List<(PollDefinition, long)>();
        foreach (var group in rows.GroupBy(r => r.PollId, StringComparer.Ordinal))
        {
            var first = group.First();
            // A words poll has no options: its one row carries nulls for them.
            var options = group.Where(r => r.OptionId is not null).Select(r => new PollOption(r.OptionId!, r.Label!)).ToArray();
            var createdAt = new DateTimeOffset(DateTime.SpecifyKind(first.CreatedAt, DateTimeKind.Utc));
            var visibility = Visibility.TryParse(first.Visibility, out var mode) ? mode : ResultsVisibility.Always;
            polls.Add((new PollDefinition(first.PollId, first.Question, options, first.Closed, createdAt)
            {
                ResultsVisibility = visibility,
                ResultsRevealed = first.Revealed,
                ClosesAt = Utc(first.ClosesAt),
                Type = PollTypes.TryParse(first.Type, out var type) ? type : PollType.Single,
                MaxChoices = first.MaxChoices,
                Scale = first.ScaleMin is { } min && first.ScaleMax is { } max ? new RatingScale(min, max) { MinLabel = first.MinLabel, MaxLabel = first.MaxLabel } : null,
                MaxWords = first.MaxWords,
                EventId = first.EventId,
            }, first.Revision));
        }
        return polls;
    }

    internal static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private sealed record PollRow(string PollId, string Question, bool Closed, DateTime CreatedAt, long Revision, string? OptionId, string? Label,
        string Visibility, bool? Revealed, DateTime? ClosesAt, string Type, int? MaxChoices, int? ScaleMin, int? ScaleMax,
        string? MinLabel, string? MaxLabel, int? MaxWords, string? EventId);
}

using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>
/// Events: created, put live and closed by the poll role, read by the poll and result roles. Every
/// change is told to the result processes on <see cref="ChangeChannel"/> (payload: the event's id),
/// so each phone follows the live poll within a push.
/// </summary>
internal sealed class EventStore(NpgsqlDataSource dataSource)
{
    /// <summary>The channel an event's change is notified on (not a setting).</summary>
    public const string ChangeChannel = "event_changed";

    private const string Columns = "id AS Id, code AS Code, title AS Title, live_poll_id AS LivePollId, closed AS Closed, created_at AS CreatedAt";

    /// <summary>Stores a new event. False when its id, or its code among open events, is taken.</summary>
    public async Task<bool> CreateAsync(EventDefinition created, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO events (id, code, title, closed, created_at) VALUES (@Id, @Code, @Title, false, @CreatedAt)
            ON CONFLICT DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { created.Id, created.Code, created.Title, CreatedAt = created.CreatedAt.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    public Task<EventDefinition?> FindAsync(string eventId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ReadOneAsync($"SELECT {Columns} FROM events WHERE id = @Key", eventId, ct), cancellationToken);

    /// <summary>The open event with this code (in its stored, upper-case form), or null.</summary>
    public Task<EventDefinition?> FindOpenByCodeAsync(string code, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ReadOneAsync($"SELECT {Columns} FROM events WHERE code = @Key AND NOT closed", code, ct), cancellationToken);

    /// <summary>Events newest first, open ones before closed ones, for the organiser's list.</summary>
    public Task<IReadOnlyList<EventDefinition>> ListAsync(int limit, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, async ct =>
        {
            var sql = $"SELECT {Columns} FROM events ORDER BY closed, created_at DESC, id LIMIT @Limit";
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { Limit = limit }, cancellationToken: ct));
            return (IReadOnlyList<EventDefinition>)rows.Select(r => r.ToEvent()).ToArray();
        }, cancellationToken);

    /// <summary>An event's polls in the event's order (creation order unless the organiser moved them).</summary>
    public Task<IReadOnlyList<EventPoll>> PollsAsync(string eventId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, async ct =>
        {
            const string sql = """
                SELECT id AS Id, question AS Question FROM polls
                WHERE event_id = @EventId ORDER BY event_position, created_at, id
                """;
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return (IReadOnlyList<EventPoll>)(await connection.QueryAsync<EventPoll>(new CommandDefinition(sql, new { EventId = eventId }, cancellationToken: ct))).AsList();
        }, cancellationToken);

    /// <summary>
    /// Puts one of the event's polls live, or none (<paramref name="pollId"/> null: the waiting
    /// screen). Refused for a closed event and for a poll of another event.
    /// </summary>
    public async Task<LiveOutcome> SetLiveAsync(string eventId, string? pollId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            WITH target AS (SELECT id, closed FROM events WHERE id = @EventId FOR UPDATE),
            fits AS (SELECT @PollId::text IS NULL OR EXISTS (SELECT 1 FROM polls WHERE id = @PollId AND event_id = @EventId) AS ok),
            up AS (
              UPDATE events e SET live_poll_id = @PollId
              FROM target t, fits f WHERE e.id = t.id AND NOT t.closed AND f.ok
              RETURNING 1)
            SELECT (SELECT count(*) FROM target) AS Found, coalesce((SELECT closed FROM target), false) AS Closed,
                   (SELECT ok FROM fits) AS Fits, (SELECT count(*) FROM up) AS Updated
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long Found, bool Closed, bool Fits, long Updated)>(
            new CommandDefinition(sql, new { EventId = eventId, PollId = pollId }, transaction, cancellationToken: cancellationToken));
        if (row.Updated == 1)
        {
            await NotifyAsync(connection, transaction, eventId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return row switch
        {
            { Found: 0 } => LiveOutcome.NoEvent,
            { Closed: true } => LiveOutcome.Closed,
            { Fits: false } => LiveOutcome.NotInEvent,
            _ => LiveOutcome.Set,
        };
    }

    /// <summary>Ends an event: its code stops answering and may be given to a new event. Null when there is no such event.</summary>
    public async Task<EventDefinition?> CloseAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE events SET closed = true, live_poll_id = NULL, closed_at = coalesce(closed_at, @Now) WHERE id = @EventId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(sql, new { EventId = eventId, Now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return null;
        }
        await NotifyAsync(connection, transaction, eventId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await ReadOneAsync(connection, $"SELECT {Columns} FROM events WHERE id = @Key", eventId, cancellationToken);
    }

    /// <summary>Moves a poll one place earlier (<paramref name="earlier"/>) or later in its event. False when it cannot move.</summary>
    public async Task<bool> MoveAsync(string eventId, string pollId, bool earlier, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Positions are renumbered 1..n in the current order first, so ties (two polls created at once) move too.
        const string renumber = """
            SELECT id FROM events WHERE id = @EventId FOR UPDATE;
            UPDATE polls p SET event_position = o.n
            FROM (SELECT id, row_number() OVER (ORDER BY event_position, created_at, id) AS n FROM polls WHERE event_id = @EventId) o
            WHERE p.id = o.id;
            """;
        const string order = "SELECT id FROM polls WHERE event_id = @EventId ORDER BY event_position";
        await connection.ExecuteAsync(new CommandDefinition(renumber, new { EventId = eventId }, transaction, cancellationToken: cancellationToken));
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(order, new { EventId = eventId }, transaction, cancellationToken: cancellationToken))).AsList();
        var at = ids.IndexOf(pollId);
        var other = earlier ? at - 1 : at + 1;
        if (at < 0 || other < 0 || other >= ids.Count)
        {
            return false;
        }
        const string swap = """
            UPDATE polls SET event_position = CASE id WHEN @A THEN @PositionB ELSE @PositionA END WHERE id IN (@A, @B)
            """;
        await connection.ExecuteAsync(new CommandDefinition(swap, new { A = ids[at], B = ids[other], PositionA = at + 1, PositionB = other + 1 }, transaction, cancellationToken: cancellationToken));
        await NotifyAsync(connection, transaction, eventId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static Task<int> NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string eventId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{ChangeChannel}', @EventId)", new { EventId = eventId }, transaction, cancellationToken: cancellationToken));

    private async Task<EventDefinition?> ReadOneAsync(string sql, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, sql, key, cancellationToken);
    }

    private static async Task<EventDefinition?> ReadOneAsync(NpgsqlConnection connection, string sql, string key, CancellationToken cancellationToken) =>
        (await connection.QueryFirstOrDefaultAsync<Row>(new CommandDefinition(sql, new { Key = key }, cancellationToken: cancellationToken)))?.ToEvent();

    private sealed record Row(string Id, string Code, string Title, string? LivePollId, bool Closed, DateTime CreatedAt)
    {
        public EventDefinition ToEvent() => new(Id, Code, Title, LivePollId, Closed, PollStore.Utc(CreatedAt)!.Value);
    }
}

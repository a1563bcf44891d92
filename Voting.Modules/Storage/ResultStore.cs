using Dapper;
using Npgsql;

namespace Voting.Storage;

/// <summary>
/// Reads a poll's results from the kept tallies: cost O(options), never O(votes). Each read is
/// retried once on a transient error (the first command after a PostgreSQL restart fails).
/// </summary>
internal sealed class ResultStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public Task<PollResults?> ReadAsync(string pollId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ReadOnceAsync(pollId, ct), cancellationToken);

    public Task<bool> ExistsAsync(string pollId, CancellationToken cancellationToken) =>
        Transient.RetryOnceAsync(dataSource, ct => ExistsOnceAsync(pollId, ct), cancellationToken);

    private async Task<PollResults?> ReadOnceAsync(string pollId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT p.question AS Question, p.closed AS Closed, o.id AS OptionId, o.label AS Label,
                   coalesce(t.votes, 0) AS Votes, p.results_visibility AS Visibility,
                   p.results_revealed AS Revealed, p.closes_at AS ClosesAt
            FROM polls p
            JOIN poll_options o ON o.poll_id = p.id
            LEFT JOIN tallies t ON t.poll_id = o.poll_id AND t.option_id = o.id
            WHERE p.id = @PollId
            ORDER BY o.position
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ResultRow>(new CommandDefinition(sql, new { PollId = pollId }, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return null;
        }
        var options = rows.Select(r => new OptionResult(r.OptionId, r.Label, r.Votes)).ToArray();
        var first = rows[0];
        var now = time.GetUtcNow();
        var closesAt = PollStore.Utc(first.ClosesAt);
        var closed = first.Closed || closesAt <= now;
        var mode = Visibility.TryParse(first.Visibility, out var m) ? m : ResultsVisibility.Always;
        return new PollResults(pollId, first.Question, options, options.Sum(o => o.Votes), closed, now)
        {
            Hidden = !Visibility.IsVisible(mode, first.Revealed, closed),
            ClosesAt = closesAt,
            ResultsVisibility = mode,
            ResultsRevealed = first.Revealed,
        };
    }

    private async Task<bool> ExistsOnceAsync(string pollId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM polls WHERE id = @PollId)", new { PollId = pollId }, cancellationToken: cancellationToken));
    }

    private sealed record ResultRow(string Question, bool Closed, string OptionId, string Label, long Votes, string Visibility, bool? Revealed, DateTime? ClosesAt);
}

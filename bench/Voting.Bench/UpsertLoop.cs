using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Voting.Bench;

/// <summary>
/// The worker's ceiling: 1,000-row unnest upserts (the later version wins) into a table shaped like
/// votes, without triggers, NOTIFY or an explicit transaction, from a few connections at once.
/// </summary>
internal static class UpsertLoop
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS bench_votes (
          poll_id varchar(64) NOT NULL, voter_id uuid NOT NULL, option_id varchar(64) NOT NULL,
          cast_at timestamptz NOT NULL, version bigint NOT NULL, PRIMARY KEY (poll_id, voter_id));
        """;

    private const string Upsert = """
        INSERT INTO bench_votes (poll_id, voter_id, option_id, cast_at, version)
        SELECT poll_id, voter_id, option_id, cast_at, version
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::bigint[])
             AS v(poll_id, voter_id, option_id, cast_at, version)
        ORDER BY poll_id, voter_id
        ON CONFLICT (poll_id, voter_id) DO UPDATE
          SET option_id = excluded.option_id, cast_at = excluded.cast_at, version = excluded.version
          WHERE bench_votes.version < excluded.version
        """;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("count", 200_000);
        var batchSize = args.Int("batch", 1000);
        var connections = args.Int("connections", 2);
        // Each run its own poll id, as the worker's runs have: new rows, in a table that grows like votes.
        var poll = args.Get("poll", "bench");
        string[] options = ["alpha", "beta", "gamma", "delta"];
        var set = VoteSet.Generate(count, options.Length, args.Int("seed", 42));
        var batches = new List<Batch>();
        var now = DateTime.UtcNow;
        for (var start = 0; start < count; start += batchSize)
        {
            // Collapsed to one row per voter, the latest, as the worker does.
            var latest = new Dictionary<Guid, int>();
            for (var i = start; i < Math.Min(count, start + batchSize); i++)
            {
                latest[set.Voters[i]] = i;
            }
            var rows = latest.Values.ToArray();
            batches.Add(new Batch(
                rows.Select(_ => poll).ToArray(),
                rows.Select(i => set.Voters[i]).ToArray(),
                rows.Select(i => options[set.Options[i]]).ToArray(),
                rows.Select(_ => now).ToArray(),
                rows.Select(i => (long)i + 1).ToArray()));
        }

        await using var dataSource = NpgsqlDataSource.Create(args["postgres"]);
        await using (var setup = dataSource.CreateCommand(Schema))
        {
            await setup.ExecuteNonQueryAsync();
        }
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                var b = batches[index];
                await using var command = new NpgsqlCommand(Upsert, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = b.Polls, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = b.Voters, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                command.Parameters.Add(new NpgsqlParameter { Value = b.Options, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = b.Casts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
                command.Parameters.Add(new NpgsqlParameter { Value = b.Versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                await command.ExecuteNonQueryAsync();
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Report.Result(("entries", count), ("seconds", seconds), ("per_second", count / seconds), ("connections", connections));
        return 0;
    }

    private sealed record Batch(string[] Polls, Guid[] Voters, string[] Options, DateTime[] Casts, long[] Versions);
}

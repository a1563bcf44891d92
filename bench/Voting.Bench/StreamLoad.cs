using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;
using Voting.Queue;

namespace Voting.Bench;

/// <summary>The worker measurement: fill the stream while no worker runs, then time the drain.</summary>
internal static class StreamLoad
{
    public static async Task<int> PreloadAsync(BenchArgs args)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args["redis"]);
        var db = redis.GetDatabase();
        RedisKey stream = args.Get("stream", "votes");
        var group = args.Get("group", "workers");
        var poll = args["poll"];
        var options = args["options"].Split(',');
        var count = args.Int("count", 200_000);
        var seed = args.Int("seed", 42);
        var set = VoteSet.Generate(count, options.Length, seed);
        // Multiple choice: 1 to 5 of the poll's options (3 on average). Words: 1 to 3 of 10,000 words (2 on average).
        var kind = args.Get("kind", "single");
        var words = Enumerable.Range(0, args.Int("distinct-words", 10_000)).Select(i => $"word {i}").ToArray();
        var (sets, countedChoices) = kind switch
        {
            "multiple" => VoteSet.Sets(set, options.Length, 1, Math.Min(5, options.Length), seed),
            "words" => VoteSet.Sets(set, words.Length, 1, 3, seed),
            "single" => (null, set.DistinctVoters),
            _ => throw new ArgumentException($"--kind {kind}: single, multiple or words"),
        };

        try
        {
            await db.StreamCreateConsumerGroupAsync(stream, group, "0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
        }
        var started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        RedisValue last = default;
        const int Window = 2000;
        var pending = new List<Task<RedisValue>>(Window);
        for (var i = 0; i < count; i++)
        {
            var message = kind switch
            {
                "multiple" => new VoteMessage(poll, null, set.Voters[i], now) { Choices = sets![i].Select(c => options[c]).ToArray() },
                "words" => new VoteMessage(poll, null, set.Voters[i], now) { Words = sets![i].Select(w => words[w]).ToArray() },
                _ => new VoteMessage(poll, options[set.Options[i]], set.Voters[i], now),
            };
            pending.Add(db.StreamAddAsync(stream, message.ToEntry()));
            if (pending.Count == Window || i == count - 1)
            {
                // Each window is awaited in order, so the last id is the last entry added.
                foreach (var add in pending)
                {
                    last = await add;
                }
                pending.Clear();
            }
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Report.Result(("count", count), ("expected", set.DistinctVoters), ("expected_choices", countedChoices), ("last_id", last.ToString()), ("seconds", seconds));
        return 0;
    }

    public static async Task<int> DrainAsync(BenchArgs args)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args["redis"]);
        var db = redis.GetDatabase();
        RedisKey stream = args.Get("stream", "votes");
        var group = args.Get("group", "workers");
        // Either the last entry preloaded, or (when the preload runs alongside) how many entries to wait for.
        var lastId = args.Get("last-id", "");
        var count = args.Int("count", 0);
        var timeout = TimeSpan.FromSeconds(args.Int("timeout", 300));

        long? started = null;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var info = (await db.StreamGroupInfoAsync(stream)).FirstOrDefault(g => g.Name == group);
            var now = Stopwatch.GetTimestamp();
            if (started is null && info.LastDeliveredId is { } delivered && delivered != "0-0")
            {
                started = now;
            }
            var allRead = lastId.Length > 0 ? info.LastDeliveredId == lastId : info.EntriesRead >= count;
            if (allRead && info.PendingMessageCount == 0)
            {
                break;
            }
            if (now > deadline)
            {
                Report.Result(("ok", false), ("error", "timeout"), ("pending", info.PendingMessageCount), ("delivered", info.LastDeliveredId ?? "none"));
                return 1;
            }
            await Task.Delay(5);
        }
        var seconds = Stopwatch.GetElapsedTime(started ?? Stopwatch.GetTimestamp()).TotalSeconds;

        // Every acknowledged vote must be in the tallies: the worker commits before it acknowledges.
        // Single choice: one tally per voter. Multiple choice and words: the voters with a ballot, and
        // the members of their last sets summed over the options' or the words' tallies.
        var kind = args.Get("kind", "single");
        await using var connection = new NpgsqlConnection(args["postgres"]);
        await connection.OpenAsync();
        var sql = kind switch
        {
            "multiple" => "SELECT (SELECT coalesce(sum(votes), 0) FROM tallies WHERE poll_id = $1)::bigint, (SELECT coalesce(max(ballots), 0) FROM poll_ballots WHERE poll_id = $1)::bigint",
            "words" => "SELECT (SELECT coalesce(sum(votes), 0) FROM word_tallies WHERE poll_id = $1)::bigint, (SELECT coalesce(max(ballots), 0) FROM poll_ballots WHERE poll_id = $1)::bigint",
            _ => "SELECT coalesce(sum(votes), 0)::bigint, 0::bigint FROM tallies WHERE poll_id = $1",
        };
        await using var sum = new NpgsqlCommand(sql, connection);
        sum.Parameters.Add(new NpgsqlParameter { Value = args["poll"] });
        await using var reader = await sum.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (counted, ballots) = (reader.GetInt64(0), reader.GetInt64(1));
        var expected = args.Get("expected", "") is { Length: > 0 } given
            ? long.Parse(given, System.Globalization.CultureInfo.InvariantCulture)
            : VoteSet.Generate(count, args.Int("option-count", 4), args.Int("seed", 42)).DistinctVoters;
        var expectedChoices = kind == "single" ? expected : long.Parse(args["expected-choices"], System.Globalization.CultureInfo.InvariantCulture);
        var ok = kind == "single" ? counted == expected : counted == expectedChoices && ballots == expected;
        Report.Result(("ok", ok), ("seconds", seconds), ("entries", count), ("per_second", count / Math.Max(seconds, 1e-6)),
            ("counted", counted), ("expected", expectedChoices), ("ballots", ballots), ("voters", expected));
        return ok ? 0 : 1;
    }
}

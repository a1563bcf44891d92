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
        var set = VoteSet.Generate(count, options.Length, args.Int("seed", 42));

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
            pending.Add(db.StreamAddAsync(stream, new VoteMessage(poll, options[set.Options[i]], set.Voters[i], now).ToEntry()));
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
        Report.Result(("count", count), ("expected", set.DistinctVoters), ("last_id", last.ToString()), ("seconds", seconds));
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
        await using var connection = new NpgsqlConnection(args["postgres"]);
        await connection.OpenAsync();
        await using var sum = new NpgsqlCommand("SELECT coalesce(sum(votes), 0)::bigint FROM tallies WHERE poll_id = $1", connection);
        sum.Parameters.Add(new NpgsqlParameter { Value = args["poll"] });
        var counted = (long)(await sum.ExecuteScalarAsync())!;
        var expected = args.Get("expected", "") is { Length: > 0 } given
            ? long.Parse(given, System.Globalization.CultureInfo.InvariantCulture)
            : VoteSet.Generate(count, args.Int("option-count", 4), args.Int("seed", 42)).DistinctVoters;
        Report.Result(("ok", counted == expected), ("seconds", seconds), ("entries", count), ("per_second", count / Math.Max(seconds, 1e-6)),
            ("counted", counted), ("expected", expected));
        return counted == expected ? 0 : 1;
    }
}

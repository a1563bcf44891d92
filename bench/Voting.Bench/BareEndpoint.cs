using StackExchange.Redis;
using Voting.Queue;

namespace Voting.Bench;

/// <summary>
/// The poll role's ceiling: Kestrel answering each POST with 202 after one XADD of a vote-shaped
/// entry, on one multiplexed connection, and nothing else (no JSON, cookie, validation or metrics).
/// </summary>
internal static class BareEndpoint
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(args["urls"]);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args["redis"]);
        var db = redis.GetDatabase();
        RedisKey stream = args.Get("stream", "bench:bare");

        await using var app = builder.Build();
        app.MapPost("/api/polls/{pollId}/votes", async (string pollId) =>
        {
            await db.StreamAddAsync(stream, new VoteMessage(pollId, "a", Guid.NewGuid(), DateTimeOffset.UtcNow).ToEntry());
            return Results.Accepted();
        });
        app.MapGet("/healthz", () => Results.Ok());
        await app.RunAsync();
        return 0;
    }
}

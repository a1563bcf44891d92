using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Voting.Queue;

internal static class QueueModule
{
    /// <summary>One multiplexed Redis connection per process and the vote stream on top of it.</summary>
    public static IServiceCollection AddQueue(this IServiceCollection services)
    {
        services.AddSettings<RedisSettings>();
        services.AddSettings<QueueSettings>();
        services.TryAddSingleton<IConnectionMultiplexer>(sp => ConnectionMultiplexer.Connect(CreateOptions(
            sp.GetRequiredService<IOptions<RedisSettings>>().Value.Redis!, sp.GetRequiredService<IOptions<QueueSettings>>().Value)));
        services.TryAddSingleton<VoteStream>();
        return services;
    }

    public static ConfigurationOptions CreateOptions(string connectionString, QueueSettings queue)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        // Start while Redis is away and keep reconnecting; readiness says when it is back.
        options.AbortOnConnectFail = false;
        // While Redis is away a vote must fail at once (503, "not confirmed") rather than queue up
        // inside the client and be sent minutes later.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = queue.AddTimeoutMilliseconds;
        options.SyncTimeout = queue.AddTimeoutMilliseconds;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        options.ClientName ??= "voting";
        return options;
    }
}

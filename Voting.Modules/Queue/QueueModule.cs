using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Voting.Queue;

public static class QueueModule
{
    public const string ConnectionStringKey = "ConnectionStrings:Redis";

    /// <summary>One multiplexed Redis connection per process and the vote stream on top of it.</summary>
    public static IServiceCollection AddQueue(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new MissingSettingException("ConnectionStrings__Redis", "--redis", "a Redis connection string");
        }
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(CreateOptions(connectionString, sp.GetRequiredService<IOptions<QueueOptions>>().Value)));
        services.TryAddSingleton<VoteStream>();
        return services;
    }

    public static ConfigurationOptions CreateOptions(string connectionString, QueueOptions queue)
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

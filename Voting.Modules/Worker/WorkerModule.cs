using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Worker;

public static class WorkerModule
{
    /// <summary>The worker role: the batch loop from the Redis stream into PostgreSQL.</summary>
    public static IServiceCollection AddWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddQueue(configuration);
        // Two batches in flight, the known options' reload, one spare.
        services.AddStorage(configuration, connections: 4);
        services.AddOptions<WorkerSettings>().BindConfiguration(WorkerSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(MetricsOwner.Worker);
        services.AddSingleton<KnownOptions>();
        services.AddSingleton<VoteWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<VoteWorker>());
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Worker;

internal static class WorkerModule
{
    /// <summary>The worker role: the batch loop from the Redis stream into PostgreSQL.</summary>
    public static IServiceCollection AddWorker(this IServiceCollection services)
    {
        services.AddQueue();
        // Two batches in flight, the known choices' reload, one spare.
        services.AddStorage(connections: 4);
        services.AddSettings<WorkerSettings>();
        services.AddSingleton(MetricsOwner.Worker);
        services.AddSingleton<KnownChoices>();
        services.AddSingleton<VoteWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<VoteWorker>());
        return services;
    }
}

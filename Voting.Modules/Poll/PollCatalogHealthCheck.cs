using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voting.Poll;

/// <summary>Ready once the poll definitions have been read; after that, PostgreSQL may come and go.</summary>
internal sealed class PollCatalogHealthCheck(PollCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.Loaded
            ? HealthCheckResult.Healthy($"{catalog.Count} polls in memory")
            : HealthCheckResult.Unhealthy("Poll definitions not loaded yet."));
}

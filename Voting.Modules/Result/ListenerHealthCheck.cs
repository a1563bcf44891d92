using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voting.Result;

/// <summary>Reports whether live updates are flowing (informational: the database check decides readiness).</summary>
internal sealed class ListenerHealthCheck(ResultsBroadcaster broadcaster) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broadcaster.Listening
            ? HealthCheckResult.Healthy("Listening for changes")
            : HealthCheckResult.Degraded("Not listening for changes yet"));
}

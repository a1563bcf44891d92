using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Voting.Storage;

/// <summary>Ready when PostgreSQL answers and the schema is there (a role waits for the migration).</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var command = dataSource.CreateCommand("SELECT to_regclass('public.tallies') IS NOT NULL");
            var migrated = await command.ExecuteScalarAsync(timeout.Token) is true;
            return migrated ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The schema is not there yet: run 'voting migrate'.");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            if (e is NpgsqlException)
            {
                dataSource.Clear();
            }
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + e.Message);
        }
    }
}

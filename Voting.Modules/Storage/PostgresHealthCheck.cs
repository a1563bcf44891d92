using System.Reflection;
using FluentMigrator;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Voting.Storage.Migrations;

namespace Voting.Storage;

/// <summary>
/// Ready when PostgreSQL answers and the schema is at the latest migration this binary knows (or a
/// later one, while a newer release rolls out). During an upgrade, new pods stay unready until the
/// migrate Job is done, instead of serving on the old schema.
/// </summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    /// <summary>How long the check waits for PostgreSQL; the readiness probes wait longer (deploy/).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The highest [Migration] version in this binary.</summary>
    public static long LatestMigration { get; } = typeof(M0001InitialSchema).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Version ?? 0)
        .Max();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            // FluentMigrator's own record of what is applied (quoted: it names it in capitals).
            await using var command = dataSource.CreateCommand("""SELECT max("Version") FROM public."VersionInfo" """);
            var applied = await command.ExecuteScalarAsync(timeout.Token) is long version ? version : 0;
            return applied >= LatestMigration
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The schema is at migration {applied}, this release needs {LatestMigration}: run 'voting migrate'.");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return HealthCheckResult.Unhealthy("The schema is not there yet: run 'voting migrate'.");
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

using FluentMigrator.Runner;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Voting.Storage.Migrations;

namespace Voting.Storage;

/// <summary>Applies the FluentMigrator migrations, one process at a time.</summary>
internal static class Migrator
{
    // An arbitrary constant that names "Voting schema migration" among advisory locks.
    private const long LockKey = 0x566f74696e67_01;

    /// <summary>Migrates up to the latest migration, or only up to <paramref name="upTo"/> (for tests of a migration itself).</summary>
    public static async Task MigrateAsync(string connectionString, ILoggerFactory loggerFactory, CancellationToken cancellationToken, long? upTo = null)
    {
        var logger = loggerFactory.CreateLogger(typeof(Migrator));
        // Migrating is rare: its connections close when it is done, rather than idling in a pool
        // for minutes (a test suite creating many databases would otherwise run out of them).
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        // The runner opens connections of its own, so the lock is held on a separate session
        // around it: two processes starting together take turns, and the second finds nothing to do.
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", LockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            using var services = new ServiceCollection()
                .AddSingleton(loggerFactory)
                .AddLogging()
                .AddFluentMigratorCore()
                .ConfigureRunner(runner => runner
                    .AddPostgres()
                    .WithGlobalConnectionString(connectionString)
                    .ScanIn(typeof(M0001InitialSchema).Assembly).For.Migrations())
                .BuildServiceProvider(validateScopes: false);
            var migrationRunner = services.GetRequiredService<IMigrationRunner>();
            if (migrationRunner.HasMigrationsToApplyUp(upTo))
            {
                if (upTo is { } version)
                {
                    migrationRunner.MigrateUp(version);
                }
                else
                {
                    migrationRunner.MigrateUp();
                }
                logger.LogInformation("Database schema migrated");
            }
            else
            {
                logger.LogInformation("Database schema is up to date");
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}

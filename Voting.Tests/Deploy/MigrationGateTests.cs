using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Deploy;

/// <summary>
/// A role is ready only when the schema is at the latest migration its binary
/// knows, so pods of a new release wait for the migrate Job instead of serving on the old schema.
/// On the real PostgreSQL the suite runs.
/// </summary>
public sealed class MigrationGateTests
{
    private static async Task<HealthStatus> CheckAsync(string connectionString)
    {
        await using var data = StorageModule.CreateDataSource(connectionString);
        var result = await new PostgresHealthCheck(data).CheckHealthAsync(new HealthCheckContext());
        return result.Status;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Not_ready_before_the_migration_and_ready_after_it()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync(database));
        await Migrator.MigrateAsync(database, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(database));
    }

    [Fact]
    public async Task An_older_schema_with_every_table_in_place_is_not_ready()
    {
        // What the old check (the first table exists) let through: tables there, the latest migration not.
        var database = await TestEnvironment.CreateDatabaseAsync();
        await ExecuteAsync(database, $"""DELETE FROM "VersionInfo" WHERE "Version" = {PostgresHealthCheck.LatestMigration}""");
        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync(database));
    }

    [Fact]
    public async Task A_newer_schema_keeps_the_old_release_ready_while_it_rolls_out()
    {
        var database = await TestEnvironment.CreateDatabaseAsync();
        await ExecuteAsync(database, $"""INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES ({PostgresHealthCheck.LatestMigration + 1}, now(), 'a later release')""");
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(database));
    }

    [Fact]
    public async Task The_gate_waits_for_exactly_the_last_migration_the_migrator_applies()
    {
        // What the gate waits for and what `voting migrate` writes must be the same number: a gate
        // above it would leave every pod unready for good, one below it would let pods serve early.
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        await Migrator.MigrateAsync(database, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT max("Version") FROM "VersionInfo" """, connection);
        Assert.Equal(PostgresHealthCheck.LatestMigration, (long)(await command.ExecuteScalarAsync())!);
    }
}

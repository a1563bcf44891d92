using Npgsql;
using Voting.Storage;

namespace Voting.Tests.Infrastructure;

/// <summary>
/// The real Redis and PostgreSQL that ./test.sh starts on loopback. Each test class takes a database
/// and Redis keys of its own, so classes never see each other's data.
/// </summary>
internal static class TestEnvironment
{
    /// <summary>host:port,user=…,password=… : Redis runs with an ACL user for the app (scripts/services.sh).</summary>
    public static string Redis => Require("VOTING_TEST_REDIS");

    /// <summary>The suite's Redis connection string (its user and password) pointed at another endpoint.</summary>
    public static string RedisAt(string endpoint) => endpoint + Redis[Redis.IndexOf(',', StringComparison.Ordinal)..];

    public static string PostgresAdmin => Require("VOTING_TEST_POSTGRES");

    public static string AppDirectory => Require("VOTING_APP_DIR");

    public static string Artifacts => Environment.GetEnvironmentVariable("VOTING_ARTIFACTS") is { Length: > 0 } a ? a : Path.GetTempPath();

    public const string AdminToken = "test-admin-token-0123456789abcdef";

    /// <summary>Every test process shares it, as every poll replica of one deployment does.</summary>
    public const string DataProtectionKey = "test-data-protection-key-0123456789abcdefghij";

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests through ./test.sh, which starts Redis and PostgreSQL.");

    /// <summary>A fresh, migrated database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(bool migrate = true)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString;
        if (migrate)
        {
            await Migrator.MigrateAsync(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        }
        return connectionString;
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniqueKey(string what) => $"test:{Guid.NewGuid():N}:{what}";
}

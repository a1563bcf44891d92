using Npgsql;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Deploy;

/// <summary>One container as a manifest describes it: its arguments and its environment.</summary>
internal sealed record ContainerSpec(string Name, IReadOnlyList<string> Args, IReadOnlyList<(string Name, string Value)> Env);

/// <summary>
/// Starts the published app (VOTING_APP_DIR) exactly as a manifest runs it, with the in-cluster
/// host names rewritten to the test's loopback Redis and PostgreSQL.
/// </summary>
internal static class AppSmoke
{
    public static readonly string[] ClusterPostgresHosts = ["postgres", "voting-db-rw"];

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var conn = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return name;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The manifest's environment with its service addresses replaced by the test's.</summary>
    public static Dictionary<string, string> Rewrite(ContainerSpec spec, string database, int redisDb, int port)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in spec.Env)
        {
            env[name] = name switch
            {
                "ConnectionStrings__Redis" => RewriteRedis(value, redisDb),
                "ConnectionStrings__Postgres" => RewritePostgres(value, database),
                "ASPNETCORE_HTTP_PORTS" => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "ASPNETCORE_URLS" => $"http://127.0.0.1:{port}",
                _ => value,
            };
        }

        if (!env.ContainsKey("ASPNETCORE_HTTP_PORTS") && !env.ContainsKey("ASPNETCORE_URLS"))
        {
            // The image sets ASPNETCORE_HTTP_PORTS=8080 (Dockerfile); the test uses a free port instead.
            env["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return env;
    }

    private static string RewriteRedis(string value, int redisDb)
    {
        var parts = value.Split(',').ToList();
        Assert.Equal("redis:6379", parts[0]);
        // The manifest connects as the ACL user with a password; the test's Redis has its own.
        Assert.Contains("user=voting", parts);
        Assert.Contains(parts, p => p.StartsWith("password=", StringComparison.Ordinal) && p.Length > "password=".Length + 16);
        parts.RemoveAll(p => p.StartsWith("user=", StringComparison.Ordinal) || p.StartsWith("password=", StringComparison.Ordinal));
        parts[0] = TestEnvironment.Redis;
        Assert.DoesNotContain(parts, p => p.StartsWith("defaultDatabase=", StringComparison.Ordinal));
        // A database of its own, so this worker never consumes another test's stream.
        parts.Add($"defaultDatabase={redisDb}");
        return string.Join(',', parts);
    }

    private static string RewritePostgres(string value, string database)
    {
        var manifest = new NpgsqlConnectionStringBuilder(value);
        Assert.Contains(manifest.Host, ClusterPostgresHosts);
        var test = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin);
        manifest.Host = test.Host;
        manifest.Port = test.Port;
        manifest.Username = test.Username;
        manifest.Password = test.Password;
        manifest.Database = database;
        return manifest.ConnectionString;
    }

    /// <summary>Starts the published app with the container's arguments and exactly its environment.</summary>
    public static AppProcess Start(ContainerSpec spec, Dictionary<string, string> env, int port) =>
        AppProcess.StartExactly(spec.Args, env, port);
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Voting.Storage;

internal static class StorageModule
{
    /// <summary>
    /// One pooled data source per process, shared by every role that needs PostgreSQL. Each role
    /// says how many connections it needs at most (<paramref name="connections"/>); the pool is their
    /// sum, unless the connection string sets <c>Maximum Pool Size</c> itself. Npgsql's own default
    /// is 100 a process, so a few replicas could take all of PostgreSQL's 100 connections, starving
    /// the others (the poll role's catalog refresh then fails with 53300): replicas × pool must stay
    /// below <c>max_connections</c>, which docs/reliability.md works out for the manifests.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, int connections)
    {
        services.AddSettings<StorageSettings>();
        services.AddModeration();
        services.AddSingleton(new PoolShare(connections));
        services.TryAddSingleton(sp => CreateDataSource(sp.GetRequiredService<IOptions<StorageSettings>>().Value.Postgres!, sp.GetServices<PoolShare>().Sum(s => s.Connections)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PollStore>();
        services.TryAddSingleton<VoteWriter>();
        services.TryAddSingleton<ResultStore>();
        services.TryAddSingleton<EventStore>();
        return services;
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString, int? maxPoolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (maxPoolSize is { } size && !HasKey(connectionString, "Maximum Pool Size") && !HasKey(connectionString, "Max Pool Size") && !HasKey(connectionString, "MaxPoolSize"))
        {
            builder.MaxPoolSize = size;
        }
        // Fail fast enough that a request or a readiness probe is not held past its own deadline.
        if (!HasKey(connectionString, "Timeout"))
        {
            builder.Timeout = 5;
        }
        if (!HasKey(connectionString, "Keepalive"))
        {
            builder.KeepAlive = 30;
        }
        // The same few statements run all day (a results read, a worker's upsert, the catalog's
        // refresh): prepared once per connection, PostgreSQL stops parsing and planning them each
        // time. A results read went from 0.6 to 0.3 ms (docs/performance.md).
        if (!HasKey(connectionString, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 32;
        }
        builder.ApplicationName ??= "voting";
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    private static bool HasKey(string connectionString, string key) =>
        connectionString.Contains(key + "=", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The PostgreSQL connections one role in this process may hold at most.</summary>
internal sealed record PoolShare(int Connections);

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Voting.Storage;

public static class StorageModule
{
    /// <summary>One pooled data source per process, shared by every role that needs PostgreSQL.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[StorageSettings.ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new MissingSettingException("ConnectionStrings__Postgres", "--postgres", "a PostgreSQL connection string");
        }
        services.TryAddSingleton(_ => CreateDataSource(connectionString));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PollStore>();
        services.TryAddSingleton<VoteWriter>();
        services.TryAddSingleton<ResultStore>();
        return services;
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Fail fast enough that a request or a readiness probe is not held past its own deadline.
        if (!HasKey(connectionString, "Timeout"))
        {
            builder.Timeout = 5;
        }
        if (!HasKey(connectionString, "Keepalive"))
        {
            builder.KeepAlive = 30;
        }
        builder.ApplicationName ??= "voting";
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    private static bool HasKey(string connectionString, string key) =>
        connectionString.Contains(key + "=", StringComparison.OrdinalIgnoreCase);
}

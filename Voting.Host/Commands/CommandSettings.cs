using System.CommandLine;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Host.Commands;

/// <summary>
/// The connection options every command takes, and settings for a command that runs without a host:
/// command line, then environment, then appsettings.json, bound and validated as the roles do.
/// </summary>
internal static class CommandSettings
{
    public static readonly Option<string?> RedisOption = new("--redis")
    {
        Description = "Redis connection string (StackExchange.Redis format, e.g. localhost:6379). Also ConnectionStrings__Redis.",
        Recursive = true,
    };

    public static readonly Option<string?> PostgresOption = new("--postgres")
    {
        Description = "PostgreSQL connection string (Npgsql format). Also ConnectionStrings__Postgres.",
        Recursive = true,
    };

    /// <summary>Settings given on the command line: they win over environment and appsettings.json.</summary>
    public static Dictionary<string, string?> FromCommandLine(ParseResult parse)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(RedisOption) is { } redis)
        {
            settings[$"{RedisSettings.SectionName}:{nameof(RedisSettings.Redis)}"] = redis;
        }
        if (parse.GetValue(PostgresOption) is { } postgres)
        {
            settings[$"{StorageSettings.SectionName}:{nameof(StorageSettings.Postgres)}"] = postgres;
        }
        return settings;
    }

    /// <exception cref="SettingException">The setting is missing or wrong.</exception>
    public static T Bind<T>(ParseResult parse) where T : class, ISettings => Bind<T>(FromCommandLine(parse));

    /// <exception cref="SettingException">The setting is missing or wrong.</exception>
    public static T Bind<T>(IReadOnlyDictionary<string, string?> commandLine) where T : class, ISettings =>
        SettingsBinder.Bind<T>(new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(commandLine)
            .Build());

    /// <summary>The PostgreSQL connection string for the database commands.</summary>
    public static string Postgres(ParseResult parse) => Bind<StorageSettings>(parse).Postgres!;
}

using System.CommandLine;
using System.CommandLine.Parsing;
using Voting.Poll;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Host;

/// <summary>
/// <c>voting [--role …]</c> runs roles; <c>voting migrate</c> and <c>voting polls …</c> manage the
/// database. Exit codes: 0 fine, 1 failed (a missing setting, an unreachable database), 2 usage.
/// </summary>
public static class VotingCommandLine
{
    public const int UsageError = 2;

    private static readonly Option<string?> RedisOption = new("--redis")
    {
        Description = "Redis connection string (StackExchange.Redis format, e.g. localhost:6379). Also ConnectionStrings__Redis.",
        Recursive = true,
    };

    private static readonly Option<string?> PostgresOption = new("--postgres")
    {
        Description = "PostgreSQL connection string (Npgsql format). Also ConnectionStrings__Postgres.",
        Recursive = true,
    };

    public static ParseResult Parse(string[] args) => Create().Parse(args);

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"voting: {parseError.Message}");
            }
            await error.WriteLineAsync("Run 'voting --help' for usage.");
            return UsageError;
        }
        // No termination timeout: SIGTERM belongs to the host, whose graceful shutdown may take longer
        // than System.CommandLine's default of two seconds.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false, Output = output, Error = error };
        try
        {
            return await parsed.InvokeAsync(configuration);
        }
        catch (MissingSettingException e)
        {
            await error.WriteLineAsync($"voting: {e.Message}");
            return 1;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await error.WriteLineAsync($"voting: invalid setting: {string.Join("; ", e.Failures)}");
            return 1;
        }
        catch (Npgsql.NpgsqlException e)
        {
            // A database that is down or refuses us is a state of the world, not a crash: one line, exit 1.
            await error.WriteLineAsync($"voting: cannot use PostgreSQL: {OneLine(e)}");
            return 1;
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Say it in one line: the port is taken (by another voting, say), not a crash.
            await error.WriteLineAsync($"voting: {e.Message} Choose another with --urls or ASPNETCORE_URLS.");
            return 1;
        }
    }

    private static string OneLine(Exception e) =>
        (e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message).ReplaceLineEndings(" ");

    public static RootCommand Create()
    {
        var role = new Option<RoleSet?>("--role")
        {
            Description = $"Roles to run in this process: {RoleSet.Valid}. Default: all. Also Voting__Role.",
            CustomParser = ParseRoles,
        };
        var urls = new Option<string?>("--urls")
        {
            Description = "Addresses to listen on, e.g. http://0.0.0.0:8080 (default http://localhost:8080). Also ASPNETCORE_URLS.",
        };
        var root = new RootCommand("Voting: a live poll system. Runs the poll, worker and result roles, alone or together.")
        {
            role, urls, RedisOption, PostgresOption, MigrateCommand(), PollsCommand(),
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = Settings(parse);
            if (parse.GetValue(urls) is { } u)
            {
                settings["urls"] = u;
            }
            return await RunRolesAsync(parse.GetValue(role), settings, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return root;
    }

    private static async Task<int> RunRolesAsync(RoleSet? fromCommandLine, Dictionary<string, string?> settings, TextWriter error, CancellationToken cancellationToken)
    {
        var roles = fromCommandLine ?? default;
        if (fromCommandLine is null)
        {
            var configured = Environment.GetEnvironmentVariable("Voting__Role") ?? "all";
            if (!RoleSet.TryParse(configured, out roles, out var roleError))
            {
                await error.WriteLineAsync($"voting: Voting__Role: {roleError}");
                return UsageError;
            }
        }
        await using var app = Roles.Build(roles, settings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Voting");
        if (roles.Roles == Role.All)
        {
            // A laptop runs everything in one process: bring the schema along. In a cluster a Job
            // runs 'voting migrate' and the roles wait, not ready, until it has.
            var connectionString = app.Configuration[StorageSettings.ConnectionStringKey]!;
            await Migrator.MigrateAsync(connectionString, app.Services.GetRequiredService<ILoggerFactory>(), cancellationToken);
        }
        logger.LogInformation("Starting roles {Roles}", roles.ToString());
        await app.RunAsync();
        return 0;
    }

    private static Command MigrateCommand()
    {
        var migrate = new Command("migrate", "Apply the database migrations and exit. Safe to run more than once, and from several processes at once.");
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var connectionString = RequirePostgres(parse);
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("FluentMigrator", LogLevel.Warning));
            await Migrator.MigrateAsync(connectionString, loggers, cancellationToken);
            return 0;
        });
        return migrate;
    }

    private static Command PollsCommand()
    {
        var polls = new Command("polls", "Create, list and close polls from a terminal.");

        var question = new Option<string>("--question") { Description = "The question people vote on.", Required = true };
        var options = new Option<string[]>("--option")
        {
            Description = "An answer; give it 2 to 10 times.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var id = new Option<string?>("--id") { Description = "A short URL-safe id (default: a random one)." };
        var create = new Command("create", "Create a poll.") { question, options, id };
        create.SetAction(async (parse, cancellationToken) =>
        {
            await using var data = StorageModule.CreateDataSource(RequirePostgres(parse));
            var created = await PollModule.CreateFromCommandLineAsync(new PollStore(data), parse.GetValue(id), parse.GetValue(question)!, parse.GetValue(options)!, cancellationToken);
            switch (created)
            {
                case { Outcome: CreateOutcome.Created, Poll: { } poll }:
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"{poll.Id}\t{poll.Question}\t{string.Join(" | ", poll.Options.Select(o => $"{o.Id}={o.Label}"))}");
                    return 0;
                case { Outcome: CreateOutcome.Invalid, Errors: var errors }:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {string.Join(" ", errors.Values.SelectMany(v => v))}");
                    return UsageError;
                default:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: a poll with the id '{parse.GetValue(id)}' exists already.");
                    return 1;
            }
        });

        var list = new Command("list", "List every poll: id, open or closed, question.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var data = StorageModule.CreateDataSource(RequirePostgres(parse));
            var all = await new PollStore(data).LoadChangedAsync(0, cancellationToken);
            foreach (var (poll, _) in all.OrderBy(p => p.Poll.CreatedAt))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{poll.Id}\t{(poll.Closed ? "closed" : "open")}\t{poll.Question}");
            }
            return 0;
        });

        var pollId = new Argument<string>("id") { Description = "The poll to close." };
        var close = new Command("close", "Close a poll: it takes no more votes, through any poll process, from the moment this returns. Needs Redis and PostgreSQL.") { pollId };
        close.SetAction(async (parse, cancellationToken) =>
        {
            var queue = Configuration(parse).GetSection(QueueOptions.SectionName).Get<QueueOptions>() ?? new QueueOptions();
            var (outcome, _) = await PollModule.CloseFromCommandLineAsync(RequireSetting(parse, StorageSettings.ConnectionStringKey),
                RequireSetting(parse, QueueModule.ConnectionStringKey), queue, parse.GetValue(pollId)!, cancellationToken);
            var message = outcome switch
            {
                CloseOutcome.Closed => null,
                CloseOutcome.UnknownPoll => $"there is no poll '{parse.GetValue(pollId)}'.",
                _ => "Redis did not confirm the close; run the command again.",
            };
            if (message is not null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {message}");
                return 1;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{parse.GetValue(pollId)}\tclosed");
            return 0;
        });

        polls.Subcommands.Add(create);
        polls.Subcommands.Add(list);
        polls.Subcommands.Add(close);
        return polls;
    }

    private static RoleSet? ParseRoles(ArgumentResult result)
    {
        var text = string.Join(",", result.Tokens.Select(t => t.Value));
        if (RoleSet.TryParse(text, out var roles, out var error))
        {
            return roles;
        }
        result.AddError(error!);
        return null;
    }

    private static Dictionary<string, string?> Settings(ParseResult parse)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(RedisOption) is { } redis)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }
        if (parse.GetValue(PostgresOption) is { } postgres)
        {
            settings[StorageSettings.ConnectionStringKey] = postgres;
        }
        return settings;
    }

    /// <summary>The PostgreSQL connection string for the database commands: option, environment, or appsettings.json.</summary>
    private static string RequirePostgres(ParseResult parse) => RequireSetting(parse, StorageSettings.ConnectionStringKey);

    /// <summary>Settings for a terminal command: options, environment, appsettings.json, as for the roles.</summary>
    private static IConfigurationRoot Configuration(ParseResult parse) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(Settings(parse))
            .Build();

    /// <summary>A connection string for a terminal command: option, environment, or appsettings.json.</summary>
    private static string RequireSetting(ParseResult parse, string key)
    {
        var connectionString = Configuration(parse)[key];
        return !string.IsNullOrWhiteSpace(connectionString) ? connectionString
            : key == QueueModule.ConnectionStringKey ? throw new MissingSettingException("ConnectionStrings__Redis", "--redis", "a Redis connection string")
            : throw new MissingSettingException("ConnectionStrings__Postgres", "--postgres", "a PostgreSQL connection string");
    }
}

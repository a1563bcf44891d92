using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Options;
using Voting.Host.Commands;
using Voting.Storage;

namespace Voting.Host;

/// <summary>
/// <c>voting [--role …]</c> runs roles; <c>voting migrate</c> and <c>voting polls …</c> manage the
/// database. Exit codes: 0 fine, 1 failed (a missing setting, an unreachable database), 2 usage.
/// </summary>
internal static class VotingCommandLine
{
    public const int UsageError = 2;

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
        catch (SettingException e)
        {
            await error.WriteLineAsync($"voting: {e.Message}");
            return 1;
        }
        catch (OptionsValidationException e)
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
            role, urls, CommandSettings.RedisOption, CommandSettings.PostgresOption, MigrateCommand.Create(), PollsCommand.Create(), EventsCommand.Create(),
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = CommandSettings.FromCommandLine(parse);
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
        if (fromCommandLine is null && !RoleSet.TryParse(CommandSettings.Bind<HostSettings>(settings).Role, out roles, out var roleError))
        {
            await error.WriteLineAsync($"voting: Voting__Role: {roleError}");
            return UsageError;
        }
        await using var app = Roles.Build(roles, settings);
        // Every setting is checked before anything touches a database: a wrong one stops here, in one line.
        SettingsBinder.ValidateAll(app.Services);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Voting");
        if (roles.IsAll)
        {
            // A laptop runs everything in one process: bring the schema along. In a cluster a Job
            // runs 'voting migrate' and the roles wait, not ready, until it has.
            var storage = app.Services.GetRequiredService<IOptions<StorageSettings>>().Value;
            await Migrator.MigrateAsync(storage.Postgres!, app.Services.GetRequiredService<ILoggerFactory>(), cancellationToken);
        }
        logger.LogInformation("Starting roles {Roles}", roles.ToString());
        await app.RunAsync();
        return 0;
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
}

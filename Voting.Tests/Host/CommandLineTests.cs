using Voting.Host;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Host;

public class CommandLineTests
{
    [Theory]
    [InlineData("poll", "Poll")]
    [InlineData("worker", "Worker")]
    [InlineData("result", "Result")]
    [InlineData("all", "Poll, Worker, Result")]
    [InlineData("poll,worker", "Poll, Worker")]
    [InlineData("Result, poll", "Poll, Result")]
    public void Roles_parse_alone_and_as_comma_lists(string text, string expected)
    {
        Assert.True(RoleSet.TryParse(text, out var roles, out var error), error);
        Assert.Equal(Enum.Parse<Role>(expected), roles.Members);
    }

    [Theory]
    [InlineData("pol")]
    [InlineData("poll,,worker")]
    [InlineData("")]
    public void An_unknown_role_is_refused_with_the_valid_ones_named(string text)
    {
        Assert.False(RoleSet.TryParse(text, out _, out var error));
        Assert.Contains("poll, worker, result or all", error);
    }

    [Fact]
    public async Task An_unknown_role_on_the_command_line_exits_2_naming_the_valid_roles()
    {
        var (code, _, error) = await RunAsync("--role", "pollster");
        Assert.Equal(2, code);
        Assert.Contains("Unknown role 'pollster'", error);
        Assert.Contains("poll, worker, result or all", error);
    }

    [Fact]
    public async Task An_unknown_option_exits_2()
    {
        var (code, _, error) = await RunAsync("--colour", "blue");
        Assert.Equal(2, code);
        Assert.Contains("--colour", error);
    }

    [Fact]
    public void Several_roles_and_every_documented_option_parse()
    {
        var parse = VotingCommandLine.Parse(["--role", "poll,worker", "--urls", "http://127.0.0.1:9", "--redis", "r:1", "--postgres", "Host=x"]);
        Assert.Empty(parse.Errors);
        Assert.Empty(VotingCommandLine.Parse(["migrate", "--postgres", "Host=x"]).Errors);
        Assert.Empty(VotingCommandLine.Parse(["polls", "create", "--question", "Q?", "--option", "A", "--option", "B", "--id", "q1"]).Errors);
        Assert.Empty(VotingCommandLine.Parse(["polls", "close", "q1"]).Errors);
        Assert.NotEmpty(VotingCommandLine.Parse(["polls", "create", "--option", "A"]).Errors);
    }

    [Fact]
    public async Task Help_explains_every_option()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--role", "--urls", "--redis", "--postgres", "migrate", "polls" })
        {
            Assert.Contains(option, output);
        }
        Assert.Contains("ConnectionStrings__Redis", output);
    }

    [Theory]
    [InlineData("poll", "ConnectionStrings__Redis")]
    [InlineData("worker", "ConnectionStrings__Redis")]
    [InlineData("result", "ConnectionStrings__Postgres")]
    public async Task A_role_without_a_setting_it_needs_stops_with_one_line_naming_it(string role, string setting)
    {
        var (code, _, error) = await RunAsync("--role", role, "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(setting, line);
        Assert.DoesNotContain(" at ", line);
    }

    [Fact]
    public async Task The_command_line_wins_over_the_environment()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        var env = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Timeout=2" };
        Assert.NotEqual(0, (await AppProcess.RunAsync(["migrate"], env)).ExitCode);
        var (code, output) = await AppProcess.RunAsync(["migrate", "--postgres", database], env);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Two_processes_migrating_one_fresh_database_at_once_both_succeed()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        var env = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database };
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AppProcess.RunAsync(["migrate"], env)));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Output));
        await using var data = Voting.Storage.StorageModule.CreateDataSource(database);
        await using var count = data.CreateCommand("SELECT count(*) FROM \"VersionInfo\"");
        var migrations = typeof(Voting.Storage.Migrator).Assembly.GetTypes().Count(t => t.IsDefined(typeof(FluentMigrator.MigrationAttribute), false));
        Assert.Equal((long)migrations, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_1_not_a_crash()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var settings = await Settings.CreateAsync();
        var (code, output) = await AppProcess.RunAsync(["--role", "result", "--urls", $"http://127.0.0.1:{port}"], settings.ToEnvironment());
        Assert.Equal(1, code);
        Assert.Contains("address already in use", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task Migrate_twice_is_fine_and_polls_commands_work_end_to_end()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        var env = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database };
        Assert.Equal(0, (await AppProcess.RunAsync(["migrate"], env)).ExitCode);
        var again = await AppProcess.RunAsync(["migrate", "--postgres", database]);
        Assert.Equal(0, again.ExitCode);

        var created = await AppProcess.RunAsync(["polls", "create", "--id", "lunch", "--question", "Lunch?", "--option", "Pizza", "--option", "Soup"], env);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("pizza=Pizza", created.Output);
        var duplicate = await AppProcess.RunAsync(["polls", "create", "--id", "lunch", "--question", "Again?", "--option", "A", "--option", "B"], env);
        Assert.Equal(1, duplicate.ExitCode);
        var tooFew = await AppProcess.RunAsync(["polls", "create", "--question", "One?", "--option", "A"], env);
        Assert.Equal(2, tooFew.ExitCode);
        Assert.Contains("2 to 10 options", tooFew.Output);

        // Closing goes through Redis, where every poll process checks each vote.
        var missingRedis = await AppProcess.RunAsync(["polls", "close", "lunch"], env);
        Assert.Equal(1, missingRedis.ExitCode);
        Assert.Contains("ConnectionStrings__Redis", missingRedis.Output);
        var streamKey = TestEnvironment.UniqueKey("votes");
        env["ConnectionStrings__Redis"] = TestEnvironment.Redis;
        env["Voting__Queue__StreamKey"] = streamKey;
        var closed = await AppProcess.RunAsync(["polls", "close", "lunch"], env);
        Assert.True(closed.ExitCode == 0, closed.Output);
        var list = await AppProcess.RunAsync(["polls", "list"], env);
        Assert.Contains("lunch\tclosed\tLunch?", list.Output);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis))
        {
            Assert.True((await redis.GetDatabase().HashGetAsync(streamKey + ":closes", "lunch")).HasValue, "the close point is in Redis");
        }
        Assert.Equal(1, (await AppProcess.RunAsync(["polls", "close", "nope"], env)).ExitCode);
    }

    [Fact]
    public async Task Polls_create_takes_a_results_mode_and_a_duration_and_reveal_hide_and_export_work_end_to_end()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: true);
        var env = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database };
        string[] create = ["polls", "create", "--id", "talk", "--question", "Best talk?", "--option", "=SUM(A1)", "--option", "Plain", "--results", "revealed", "--duration", "60"];

        // The timer lives in Redis too: without it, one line that says what needs it, and no poll.
        var withoutRedis = await AppProcess.RunAsync(create, env);
        Assert.Equal(1, withoutRedis.ExitCode);
        var line = Assert.Single(withoutRedis.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--duration needs Redis", line);
        Assert.Contains("ConnectionStrings__Redis", line);
        await using var data = Voting.Storage.StorageModule.CreateDataSource(database);
        var store = new Voting.Storage.PollStore(data);
        Assert.Null(await store.FindAsync("talk", CancellationToken.None));

        var badMode = await AppProcess.RunAsync(["polls", "create", "--question", "Q?", "--option", "A", "--option", "B", "--results", "never"], env);
        Assert.Equal(2, badMode.ExitCode);
        Assert.Contains("never", badMode.Output);
        var tooShort = await AppProcess.RunAsync(["polls", "create", "--question", "Q?", "--option", "A", "--option", "B", "--duration", "5"], env);
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("10 to 86400", tooShort.Output);

        var streamKey = TestEnvironment.UniqueKey("votes");
        env["ConnectionStrings__Redis"] = TestEnvironment.Redis;
        env["Voting__Queue__StreamKey"] = streamKey;
        var created = await AppProcess.RunAsync(create, env);
        Assert.True(created.ExitCode == 0, created.Output);
        var poll = (await store.FindAsync("talk", CancellationToken.None))!;
        Assert.Equal(Voting.Storage.ResultsVisibility.Revealed, poll.ResultsVisibility);
        Assert.InRange((poll.ClosesAt!.Value - DateTimeOffset.UtcNow).TotalSeconds, 30, 61);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis))
        {
            Assert.True((await redis.GetDatabase().HashGetAsync(streamKey + ":closes", "talk")).HasValue, "the timer is in Redis");
        }

        // Reveal and hide need only PostgreSQL.
        env.Remove("ConnectionStrings__Redis");
        var revealed = await AppProcess.RunAsync(["polls", "reveal", "talk"], env);
        Assert.True(revealed.ExitCode == 0, revealed.Output);
        Assert.Contains("talk\trevealed", revealed.Output);
        Assert.True((await store.FindAsync("talk", CancellationToken.None))!.ResultsRevealed);
        Assert.Equal(0, (await AppProcess.RunAsync(["polls", "hide", "talk"], env)).ExitCode);
        Assert.False((await store.FindAsync("talk", CancellationToken.None))!.ResultsRevealed);
        var unknown = await AppProcess.RunAsync(["polls", "reveal", "nope"], env);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("there is no poll 'nope'", unknown.Output);

        // Export: the CSV on standard output (nothing else there), hidden or not, a formula neutralised.
        var at = DateTimeOffset.UtcNow;
        var votes = new[] { 0, 0, 1 }.Select((option, i) => new Voting.Storage.VoteRow("talk", Guid.NewGuid(), poll.Options[option].Id, at, i + 1)).ToArray();
        Assert.Equal(3, await new Voting.Storage.VoteWriter(data).WriteAsync(votes, CancellationToken.None));
        var (code, output, error) = await RunAsync("polls", "export", "talk", "--postgres", database);
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        var formula = poll.Options[0].Id;
        var plain = poll.Options[1].Id;
        Assert.Equal(
            "\uFEFFpoll_id,question,option_id,label,votes,share\r\n"
            + $"talk,Best talk?,{formula},'=SUM(A1),2,0.6667\r\n"
            + $"talk,Best talk?,{plain},Plain,1,0.3333\r\n",
            output);
        var missing = await RunAsync("polls", "export", "nope", "--postgres", database);
        Assert.Equal(1, missing.Code);
        Assert.Equal("", missing.Output);
        Assert.Equal("voting: there is no poll 'nope'.", missing.Error.TrimEnd());
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("polls list")]
    public async Task A_database_that_cannot_be_reached_is_one_line_and_exit_1_not_a_crash(string command)
    {
        var env = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={AppProcess.FreePort()};Database=voting;Username=postgres;Timeout=2" };
        var (code, output) = await AppProcess.RunAsync(command.Split(' '), env);
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("voting: cannot use PostgreSQL", line);
        Assert.DoesNotContain(" at ", line);
    }

    [Fact]
    public async Task The_all_role_with_postgres_down_is_one_line_and_exit_1_not_a_crash()
    {
        // Everything else in place (Redis, the Production secrets): only the migration it runs first fails.
        var settings = await Settings.CreateAsync();
        var env = settings.ToEnvironment();
        env["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={AppProcess.FreePort()};Database=voting;Username=postgres;Timeout=2";
        var (code, output) = await AppProcess.RunAsync(["--role", "all"], env);
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("voting:", StringComparison.Ordinal));
        Assert.StartsWith("voting: cannot use PostgreSQL", line);
        Assert.DoesNotContain(" at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await VotingCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

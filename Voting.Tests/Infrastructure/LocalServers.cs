using System.Diagnostics;

namespace Voting.Tests.Infrastructure;

/// <summary>
/// A Redis or PostgreSQL server of a test's own, started through the same scripts/services.sh as
/// run.sh and test.sh, so the test can stop, restart or starve it without touching anyone else.
/// </summary>
internal abstract class LocalServer : IAsyncDisposable
{
    protected LocalServer(string kind)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"voting-{kind}-{Guid.NewGuid():N}"[..40]);
        Port = AppProcess.FreePort();
    }

    public string Directory { get; }

    public int Port { get; }

    protected static async Task ShellAsync(string script)
    {
        var repo = Environment.GetEnvironmentVariable("VOTING_REPO") is { Length: > 0 } r ? r
            : throw new InvalidOperationException("VOTING_REPO is not set: run the tests through ./test.sh.");
        var info = new ProcessStartInfo("bash", ["-c", $"set -e; source scripts/services.sh; {script}"])
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{script}' failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    public abstract ValueTask DisposeAsync();
}

internal sealed class LocalRedis : LocalServer
{
    private readonly string _arguments;

    private LocalRedis(string arguments) : base("redis") => _arguments = arguments;

    /// <summary>The app user and password the suite's Redis uses (scripts/services.sh starts this one alike).</summary>
    public string ConnectionString => TestEnvironment.RedisAt($"127.0.0.1:{Port}");

    /// <summary>Starts redis-server with the append-only file on, plus any extra arguments.</summary>
    public static async Task<LocalRedis> StartAsync(string extraArguments = "")
    {
        var redis = new LocalRedis(extraArguments);
        await redis.RestartAsync();
        return redis;
    }

    /// <summary>Starts the server (again, after <see cref="ShutdownAsync"/>), from its append-only file.</summary>
    public Task RestartAsync() => ShellAsync($"start_redis '{Directory}' {Port} {_arguments}");

    /// <summary>A graceful SHUTDOWN: Redis flushes its append-only file and exits.</summary>
    public Task ShutdownAsync() => ShellAsync($"stop_redis {Port}; for i in $(seq 1 100); do redis-cli -p {Port} ping >/dev/null 2>&1 || exit 0; sleep 0.1; done; exit 1");

    public Task CommandAsync(string command) => ShellAsync($"redis-cli -p {Port} {command} >/dev/null");

    public override async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

internal sealed class LocalPostgres : LocalServer
{
    private LocalPostgres() : base("pg")
    {
    }

    /// <summary>A connection string to the database <c>voting</c> on this server.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=voting";

    public static async Task<LocalPostgres> StartAsync()
    {
        var postgres = new LocalPostgres();
        await postgres.RestartAsync();
        await ShellAsync($"create_database {postgres.Port} voting");
        return postgres;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>), keeping its data.</summary>
    public Task RestartAsync() => ShellAsync($"PG_FSYNC=off start_postgres '{Directory}' {Port}");

    public Task StopAsync() => ShellAsync($"stop_postgres '{Directory}'");

    public override async ValueTask DisposeAsync()
    {
        await StopAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

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

    public static string AppExecutable
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("VOTING_APP_DIR");
            if (string.IsNullOrEmpty(dir))
            {
                throw new InvalidOperationException("VOTING_APP_DIR is not set: run the suite through ./test.sh, which publishes the app and sets it.");
            }

            var exe = Path.Combine(dir, "voting");
            return File.Exists(exe) ? exe : throw new InvalidOperationException($"No published app at {exe}");
        }
    }

    public static string TestRedis => Environment.GetEnvironmentVariable("VOTING_TEST_REDIS")
        ?? throw new InvalidOperationException("VOTING_TEST_REDIS is not set: run the suite through ./test.sh.");

    public static string TestPostgres => Environment.GetEnvironmentVariable("VOTING_TEST_POSTGRES")
        ?? throw new InvalidOperationException("VOTING_TEST_POSTGRES is not set: run the suite through ./test.sh.");

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var conn = new NpgsqlConnection(TestPostgres);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return name;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(TestPostgres);
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
        parts[0] = TestRedis;
        Assert.DoesNotContain(parts, p => p.StartsWith("defaultDatabase=", StringComparison.Ordinal));
        // A database of its own, so this worker never consumes another test's stream.
        parts.Add($"defaultDatabase={redisDb}");
        return string.Join(',', parts);
    }

    private static string RewritePostgres(string value, string database)
    {
        var manifest = new NpgsqlConnectionStringBuilder(value);
        Assert.Contains(manifest.Host, ClusterPostgresHosts);
        var test = new NpgsqlConnectionStringBuilder(TestPostgres);
        manifest.Host = test.Host;
        manifest.Port = test.Port;
        manifest.Username = test.Username;
        manifest.Password = test.Password;
        manifest.Database = database;
        return manifest.ConnectionString;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static AppProcess Start(ContainerSpec spec, Dictionary<string, string> env, int port)
    {
        var psi = new ProcessStartInfo(AppExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A container's working directory is not the app's: the app must not depend on it.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in spec.Args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("Voting__", StringComparison.Ordinal)
                || key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || key.StartsWith("VOTING_", StringComparison.Ordinal)
                || (key.StartsWith("DOTNET_", StringComparison.Ordinal) && key != "DOTNET_ROOT"))
            {
                psi.Environment.Remove(key);
            }
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        return new AppProcess(spec.Name, Process.Start(psi)!, port);
    }
}

internal sealed class AppProcess : IAsyncDisposable
{
    private readonly System.Text.StringBuilder output = new();
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public AppProcess(string name, Process process, int port)
    {
        Name = name;
        Process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Process Process { get; }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 200_000)
            {
                output.AppendLine(line);
            }
        }
    }

    public async Task<HttpStatusCode?> GetStatusAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{Port}{path}"));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls until the path answers 200, the process exits, or the deadline passes.</summary>
    public async Task WaitForOkAsync(string path, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (deadline.Elapsed < timeout)
        {
            if (Process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"{Name} exited with {Process.ExitCode} before {path} answered 200:\n{Output}");
            }

            last = await GetStatusAsync(path);
            if (last == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"{Name}: {path} answered {last?.ToString() ?? "nothing"} for {timeout.TotalSeconds} s:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{Name} did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }

        return Process.ExitCode;
    }

    /// <summary>SIGTERM, as Kubernetes and Docker stop a container.</summary>
    public void Terminate()
    {
        if (!Process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Voting.Tests.Infrastructure;

/// <summary>The published executable started as its own process, as a pod would run it.</summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>voting</c> with the arguments and environment given, on a free port unless the arguments name one.</summary>
    public static AppProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, int? port = null) =>
        Start(args, environment, port ?? FreePort(), exactly: false);

    /// <summary>
    /// Starts <c>voting</c> with exactly the environment a manifest gives a container: none of this
    /// process's own app settings leak in, and no defaults are added (the environment names the port).
    /// </summary>
    public static AppProcess StartExactly(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, int port) =>
        Start(args, environment, port, exactly: true);

    private static AppProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, int listenPort, bool exactly)
    {
        var info = new ProcessStartInfo(Path.Combine(TestEnvironment.AppDirectory, "voting"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (exactly)
        {
            foreach (var key in info.Environment.Keys.Where(IsAppSetting).ToList())
            {
                info.Environment.Remove(key);
            }
        }
        else
        {
            info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{listenPort}";
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info };
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{listenPort}"));
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Runs <c>voting</c> to completion (migrate, polls …) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        await using var app = Start(args, environment ?? new Dictionary<string, string>());
        return (await app.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60)), app.Output);
    }

    private static bool IsAppSetting(string key) =>
        key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("Voting__", StringComparison.Ordinal)
        || key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || key.StartsWith("VOTING_", StringComparison.Ordinal)
        || (key.StartsWith("DOTNET_", StringComparison.Ordinal) && key != "DOTNET_ROOT");

    public Task WaitUntilReadyAsync(TimeSpan? timeout = null) => WaitForOkAsync("/readyz", timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>The status a path answers with, or null when nothing answers.</summary>
    public async Task<HttpStatusCode?> GetStatusAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(Address, path));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
        {
            return null;
        }
    }

    /// <summary>Polls until the path answers 200; fails at once if the process exits first.</summary>
    public async Task WaitForOkAsync(string path, TimeSpan timeout) =>
        await Eventually.WaitAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"voting exited with {_process.ExitCode} before {path} answered 200:\n{Output}");
            }
            return await GetStatusAsync(path) == HttpStatusCode.OK;
        }, timeout, $"{path} on {Address} to answer 200");

    /// <summary>Waits for the process to end by itself (a migration, say) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"voting did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as Kubernetes sends it; waits for the exit and returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            await SignalAsync("TERM");
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
        }
        return _process.ExitCode;
    }

    /// <summary>Sends a signal by name (TERM, STOP, CONT …), as <c>kill -NAME</c> would.</summary>
    public async Task SignalAsync(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL: no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            // Enough to explain a failure, without a chatty process filling the test's memory.
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}

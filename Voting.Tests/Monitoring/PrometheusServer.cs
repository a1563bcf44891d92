using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Monitoring;

/// <summary>One series of a query's answer.</summary>
internal sealed record Sample(Dictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        "{" + string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " + Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A query's answer, readable in a failure message.</summary>
internal sealed class Samples : List<Sample>
{
    public override string ToString() => Count == 0 ? "no series" : string.Join("; ", this);
}

/// <summary>
/// Debian's prometheus binary run by the test itself (never the Debian service) on a free loopback
/// port, with a data directory of its own, and its HTTP API.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(string configFile, string dataDirectory)
    {
        var port = AppProcess.FreePort();
        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var arg in new[]
        {
            $"--config.file={configFile}",
            $"--storage.tsdb.path={Path.Combine(dataDirectory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=1h",
        })
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("prometheus is not on PATH: install Debian's prometheus package (./test.sh does).", e);
        }
        var server = new PrometheusServer(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.WaitAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{server.Log}");
            }
            using var response = await Http.GetAsync(new Uri(server.Address, "/-/ready"));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "Prometheus to be ready");
        return server;
    }

    /// <summary>An instant query: each series' labels and value.</summary>
    public async Task<Samples> QueryAsync(string promql)
    {
        var data = await GetDataAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        if (data.GetProperty("resultType").GetString() is not ("vector" or "scalar"))
        {
            throw new InvalidOperationException($"{promql}: unexpected result type {data.GetProperty("resultType")}");
        }
        if (data.GetProperty("resultType").GetString() == "scalar")
        {
            return [new Sample([], ParseValue(data.GetProperty("result")))];
        }
        return [.. data.GetProperty("result").EnumerateArray().Select(s => new Sample(Labels(s.GetProperty("metric")), ParseValue(s.GetProperty("value"))))];
    }

    /// <summary>The series a selector matches (what prometheus-adapter's discovery asks for).</summary>
    public async Task<IReadOnlyList<Dictionary<string, string>>> SeriesAsync(string selector)
    {
        var data = await GetDataAsync("/api/v1/series?match[]=" + Uri.EscapeDataString(selector));
        return [.. data.EnumerateArray().Select(Labels)];
    }

    public async Task<JsonElement> GetDataAsync(string pathAndQuery)
    {
        using var response = await Http.GetAsync(new Uri(Address, pathAndQuery));
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"{pathAndQuery}: {body}");
        }
        return doc.RootElement.GetProperty("data").Clone();
    }

    private static Dictionary<string, string> Labels(JsonElement metric) =>
        metric.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);

    private static double ParseValue(JsonElement pair) =>
        double.Parse(pair[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            if (_log.Length < 200_000)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Monitoring;

/// <summary>
/// There is no cAdvisor binary here, so this serves what cAdvisor v0.52 would say about the
/// roles' processes, in its format (metrics/prometheus.go at that tag): the real CPU time and
/// working set of each process, labelled as containerd labels a pod's container
/// (--whitelisted_container_labels in deploy/cadvisor), plus the series without a pod that the
/// rules must leave out (the cgroup root, a pod's sandbox).
/// </summary>
internal sealed class CadvisorLikeExporter : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyList<(string Namespace, string Pod, int ProcessId)> _containers;
    private readonly Task _loop;

    public CadvisorLikeExporter(IReadOnlyList<(string Namespace, string Pod, int ProcessId)> containers)
    {
        _containers = containers;
        Port = AppProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var body = Encoding.UTF8.GetBytes(Render());
            context.Response.ContentType = "text/plain; version=0.0.4";
            try
            {
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // A scrape that timed out and hung up (a busy machine): the next one is answered as usual.
                context.Response.Abort();
            }
        }
    }

    private string Render()
    {
        var cpu = new StringBuilder("# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.\n# TYPE container_cpu_usage_seconds_total counter\n");
        var memory = new StringBuilder("# HELP container_memory_working_set_bytes Current working set in bytes.\n# TYPE container_memory_working_set_bytes gauge\n");
        var i = 0;
        foreach (var (ns, pod, pid) in _containers)
        {
            i++;
            using var process = Process.GetProcessById(pid);
            var seconds = process.TotalProcessorTime.TotalSeconds.ToString("R", CultureInfo.InvariantCulture);
            var bytes = process.WorkingSet64.ToString(CultureInfo.InvariantCulture);
            var container = $"container_label_io_kubernetes_container_name=\"voting\",container_label_io_kubernetes_pod_name=\"{pod}\",container_label_io_kubernetes_pod_namespace=\"{ns}\",id=\"/kubepods/pod{i}/c{i}\",image=\"voting\",name=\"c{i}\"";
            var sandbox = $"container_label_io_kubernetes_pod_name=\"{pod}\",container_label_io_kubernetes_pod_namespace=\"{ns}\",id=\"/kubepods/pod{i}/s{i}\",image=\"pause\",name=\"s{i}\"";
            cpu.Append(CultureInfo.InvariantCulture, $"container_cpu_usage_seconds_total{{{container},cpu=\"total\"}} {seconds}\n");
            cpu.Append(CultureInfo.InvariantCulture, $"container_cpu_usage_seconds_total{{{sandbox},cpu=\"total\"}} 0.01\n");
            memory.Append(CultureInfo.InvariantCulture, $"container_memory_working_set_bytes{{{container}}} {bytes}\n");
            memory.Append(CultureInfo.InvariantCulture, $"container_memory_working_set_bytes{{id=\"/kubepods/pod{i}\"}} {bytes}\n");
        }
        using var self = Process.GetCurrentProcess();
        cpu.Append(CultureInfo.InvariantCulture, $"container_cpu_usage_seconds_total{{cpu=\"total\",id=\"/\"}} {self.TotalProcessorTime.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)}\n");
        return cpu.Append(memory).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Voting.Bench;

/// <summary>
/// Vote to screen: many SignalR viewers on one poll while votes arrive at a steady rate. For each 202
/// the time and the running count of 202s; for each push the time and the poll's total. A vote's
/// latency, per viewer, runs from its 202 to the first push whose total includes it. Viewers are
/// light by default (<see cref="LightViewer"/>: a WebSocket speaking the hub protocol by hand);
/// <c>--viewers-kind full</c> takes a .NET SignalR client each, as the measurements before issue 14
/// did, whose own CPU use on the shared cores was most of the tail.
/// </summary>
internal static class EndToEnd
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var pollUrl = new Uri(args["poll-url"]);
        var resultUrl = new Uri(args["result-url"]);
        var pollId = args["poll"];
        var optionId = args["option"];
        var viewerCount = args.Int("viewers", 1000);
        var rate = args.Int("rate", 2000);
        var seconds = args.Int("seconds", 20);
        var light = args.Get("viewers-kind", "light") == "light";
        var resultPid = args.Int("result-pid", 0);

        var viewers = new Viewer[viewerCount];
        var connectStarted = Stopwatch.GetTimestamp();
        LightViewer.Crowd? crowd = null;
        if (light)
        {
            for (var i = 0; i < viewerCount; i++)
            {
                viewers[i] = new Viewer(null);
            }
            crowd = await LightViewer.Crowd.ConnectAsync(new Uri(resultUrl, "/hubs/results"), viewerCount, "Subscribe", _ => pollId, i => (target, record, at) =>
            {
                if (target == "results")
                {
                    viewers[i].Record(at, long.Parse(LightViewer.Field(record, "\"total\":"u8), System.Globalization.CultureInfo.InvariantCulture));
                }
            });
        }
        else
        {
            using var gate = new SemaphoreSlim(32);
            await Task.WhenAll(Enumerable.Range(0, viewerCount).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    viewers[i] = await Viewer.ConnectAsync(resultUrl, pollId);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
        // Each viewer got the current snapshot on Subscribe: that is the baseline its totals count from.
        await Task.Delay(500);
        var baseline = viewers.Max(v => v.LastTotal);

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var http = new HttpClient(handler) { BaseAddress = pollUrl, Timeout = TimeSpan.FromSeconds(10) };
        var body = Encoding.UTF8.GetBytes($$"""{"optionId":"{{optionId}}"}""");
        var path = new Uri($"/api/polls/{pollId}/votes", UriKind.Relative);
        var planned = rate * seconds;
        var acceptedAt = new long[planned];
        var accepted = 0;
        var failed = 0;
        var postLatency = new LongConcurrentHistogram(1, 60_000_000, 3);

        async Task VoteAsync()
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(path, content);
                var now = Stopwatch.GetTimestamp();
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    acceptedAt[Interlocked.Increment(ref accepted) - 1] = now;
                    postLatency.RecordValue(Math.Max(1, (now - sent) * 1_000_000 / Stopwatch.Frequency));
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
        }

        // Open loop: votes go out on schedule whatever the answers' latency.
        var cpuBefore = EventFanout.CpuSeconds(resultPid);
        var sendStarted = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>(planned);
        var issued = 0;
        while (issued < planned)
        {
            var due = (int)Math.Min(planned, Stopwatch.GetElapsedTime(sendStarted).TotalSeconds * rate);
            for (; issued < due; issued++)
            {
                inFlight.Add(VoteAsync());
            }
            await Task.Delay(1);
        }
        await Task.WhenAll(inFlight);
        var sendSeconds = Stopwatch.GetElapsedTime(sendStarted).TotalSeconds;
        var sendEnded = Stopwatch.GetTimestamp();
        var resultCpu = (EventFanout.CpuSeconds(resultPid) - cpuBefore) / sendSeconds;

        // Wait until every viewer has seen every accepted vote, or give up after a while.
        var wanted = baseline + accepted;
        var settle = Stopwatch.StartNew();
        while (viewers.Any(v => v.LastTotal < wanted) && settle.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20);
        }

        var latency = new LongHistogram(1, 60_000_000, 3);
        long missing = 0, pushesInWindow = 0;
        foreach (var viewer in viewers)
        {
            var pushes = viewer.Snapshot();
            pushesInWindow += pushes.Count(p => p.At >= sendStarted && p.At <= sendEnded);
            var j = 0;
            for (var k = 1; k <= accepted; k++)
            {
                while (j < pushes.Length && pushes[j].Total - baseline < k)
                {
                    j++;
                }
                if (j == pushes.Length)
                {
                    missing += accepted - k + 1;
                    break;
                }
                var micros = (pushes[j].At - acceptedAt[k - 1]) * 1_000_000 / Stopwatch.Frequency;
                latency.RecordValue(Math.Max(1, micros));
            }
        }
        await Task.WhenAll(viewers.Select(v => v.DisposeAsync().AsTask()));
        if (crowd is not null)
        {
            await crowd.DisposeAsync();
        }

        static double Ms(HistogramBase h, double percentile) => h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
        Report.Result(
            ("viewers", viewerCount), ("connect_seconds", connectSeconds),
            ("planned", planned), ("accepted", accepted), ("failed", failed), ("votes_per_second", accepted / sendSeconds),
            ("p50_ms", Ms(latency, 50)), ("p99_ms", Ms(latency, 99)), ("max_ms", latency.TotalCount == 0 ? double.NaN : latency.GetMaxValue() / 1000.0),
            ("missing", missing),
            ("pushes_per_viewer_per_second", pushesInWindow / (double)viewerCount / sendSeconds),
            ("post_p99_ms", Ms(postLatency, 99)),
            ("result_cpu_percent", 100 * resultCpu));
        return missing == 0 && failed == 0 && accepted > 0 ? 0 : 1;
    }

    /// <summary>One SignalR connection subscribed to the poll, keeping (time, total) of every push.</summary>
    private sealed class Viewer(HubConnection? connection) : IAsyncDisposable
    {
        private readonly List<(long At, long Total)> _pushes = new(256);
        private long _lastTotal = -1;

        public long LastTotal => Interlocked.Read(ref _lastTotal);

        public static async Task<Viewer> ConnectAsync(Uri resultUrl, string pollId)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(resultUrl, "/hubs/results"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            var viewer = new Viewer(connection);
            connection.On<JsonElement>("results", viewer.OnResults);
            await connection.StartAsync();
            await connection.InvokeAsync("Subscribe", pollId);
            return viewer;
        }

        private void OnResults(JsonElement results) => Record(Stopwatch.GetTimestamp(), results.GetProperty("total").GetInt64());

        public void Record(long at, long total)
        {
            lock (_pushes)
            {
                _pushes.Add((at, total));
            }
            Interlocked.Exchange(ref _lastTotal, Math.Max(total, _lastTotal));
        }

        public (long At, long Total)[] Snapshot()
        {
            lock (_pushes)
            {
                return [.. _pushes];
            }
        }

        public ValueTask DisposeAsync() => connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}

using System.Diagnostics;
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
/// did, whose own CPU use on the shared cores was most of the tail. Votes go out on raw keep-alive
/// sockets (<see cref="RawVoters"/>). The first <c>--warmup-seconds</c> (3) of votes warm the roles
/// and are reported apart (<c>warmup_p99_ms</c>): a fresh worker or result process spends its first
/// second compiling, and that second alone was the whole p99 of a 20 s run.
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
        var warmupSeconds = args.Int("warmup-seconds", 3);
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

        var planned = rate * (warmupSeconds + seconds);
        var acceptedAt = new long[planned];
        var accepted = 0;
        var failed = 0;
        var postLatency = new LongConcurrentHistogram(1, 60_000_000, 3);
        var voters = new RawVoters(pollUrl, $"/api/polls/{pollId}/votes", $$"""{"optionId":"{{optionId}}"}""", args.Int("connections", 64), (due, answeredAt, status) =>
        {
            if (status == 202)
            {
                acceptedAt[Interlocked.Increment(ref accepted) - 1] = answeredAt;
                postLatency.RecordValue(Math.Max(1, (answeredAt - due) * 1_000_000 / Stopwatch.Frequency));
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        });

        // Open loop: votes go out on schedule whatever the answers' latency. The first seconds warm the
        // roles (a fresh process compiles its paths, the thread pool grows, the worker learns the new
        // poll) and are reported apart: the measured window starts after them.
        var sendStarted = Stopwatch.GetTimestamp();
        var measureFrom = sendStarted + warmupSeconds * Stopwatch.Frequency;
        var cpuBefore = warmupSeconds == 0 ? EventFanout.CpuSeconds(resultPid) : double.NaN;
        var ownCpuBefore = Environment.CpuUsage.TotalTime;
        var issued = 0;
        while (issued < planned)
        {
            if (double.IsNaN(cpuBefore) && Stopwatch.GetTimestamp() >= measureFrom)
            {
                cpuBefore = EventFanout.CpuSeconds(resultPid);
                ownCpuBefore = Environment.CpuUsage.TotalTime;
            }
            var due = (int)Math.Min(planned, Stopwatch.GetElapsedTime(sendStarted).TotalSeconds * rate);
            for (var now = Stopwatch.GetTimestamp(); issued < due; issued++)
            {
                voters.Send(now);
            }
            await Task.Delay(1);
        }
        await voters.CompleteAsync();
        var sendEnded = Stopwatch.GetTimestamp();
        var measuredSeconds = (sendEnded - measureFrom) / (double)Stopwatch.Frequency;
        var resultCpu = (EventFanout.CpuSeconds(resultPid) - cpuBefore) / measuredSeconds;
        var ownCpu = (Environment.CpuUsage.TotalTime - ownCpuBefore).TotalSeconds / measuredSeconds;

        // Wait until every viewer has seen every accepted vote, or give up after a while.
        var wanted = baseline + accepted;
        var settle = Stopwatch.StartNew();
        while (viewers.Any(v => v.LastTotal < wanted) && settle.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20);
        }

        static long Micros(long from, long to) => Math.Max(1, (to - from) * 1_000_000 / Stopwatch.Frequency);
        var measured = acceptedAt.Take(accepted).Count(at => at >= measureFrom);

        // Each viewer: vote k (in order of its 202) is on screen at the first push whose total counts k.
        var latency = new LongHistogram(1, 60_000_000, 3);
        var warmupLatency = new LongHistogram(1, 60_000_000, 3);
        long missing = 0, pushesInWindow = 0;
        foreach (var viewer in viewers)
        {
            var pushes = viewer.Snapshot();
            pushesInWindow += pushes.Count(p => p.At >= measureFrom && p.At <= sendEnded);
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
                (acceptedAt[k - 1] >= measureFrom ? latency : warmupLatency).RecordValue(Micros(acceptedAt[k - 1], pushes[j].At));
            }
        }

        // Where the time goes. Each push (known by its total) as its first and its last viewer got
        // it: from a 202 to the first viewer is the pipeline (worker, notification, push interval,
        // read); first to last is the fan-out (a send per connection, and the generator's own turn
        // on the cores); the gap between pushes is the interval plus whatever held a push back.
        var arrivals = new SortedDictionary<long, (long First, long Last)>();
        foreach (var viewer in viewers)
        {
            foreach (var (at, total) in viewer.Snapshot())
            {
                arrivals[total] = arrivals.TryGetValue(total, out var seen) ? (Math.Min(seen.First, at), Math.Max(seen.Last, at)) : (at, at);
            }
        }
        var spread = new LongHistogram(1, 60_000_000, 3);
        var gaps = new LongHistogram(1, 60_000_000, 3);
        long previous = 0;
        foreach (var (first, last) in arrivals.Values.Where(a => a.First >= measureFrom && a.First <= sendEnded).OrderBy(a => a.First))
        {
            spread.RecordValue(Micros(first, last));
            if (previous != 0)
            {
                gaps.RecordValue(Micros(previous, first));
            }
            previous = first;
        }
        var toFirst = new LongHistogram(1, 60_000_000, 3);
        using (var covering = arrivals.GetEnumerator())
        {
            var more = covering.MoveNext();
            for (var k = 1; k <= accepted && more; k++)
            {
                while (more && covering.Current.Key - baseline < k)
                {
                    more = covering.MoveNext();
                }
                if (more && acceptedAt[k - 1] >= measureFrom)
                {
                    toFirst.RecordValue(Micros(acceptedAt[k - 1], covering.Current.Value.First));
                }
            }
        }
        await Task.WhenAll(viewers.Select(v => v.DisposeAsync().AsTask()));
        if (crowd is not null)
        {
            await crowd.DisposeAsync();
        }

        static double Ms(HistogramBase h, double percentile) => h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
        static double Max(HistogramBase h) => h.TotalCount == 0 ? double.NaN : h.GetMaxValue() / 1000.0;
        Report.Result(
            ("viewers", viewerCount), ("connect_seconds", connectSeconds), ("warmup_seconds", warmupSeconds),
            ("planned", planned), ("accepted", accepted), ("failed", failed), ("votes_per_second", measured / measuredSeconds),
            ("p50_ms", Ms(latency, 50)), ("p99_ms", Ms(latency, 99)), ("max_ms", Max(latency)),
            ("missing", missing),
            ("warmup_p99_ms", Ms(warmupLatency, 99)), ("warmup_max_ms", Max(warmupLatency)),
            ("first_viewer_p50_ms", Ms(toFirst, 50)), ("first_viewer_p99_ms", Ms(toFirst, 99)),
            ("push_gap_p50_ms", Ms(gaps, 50)), ("push_gap_p99_ms", Ms(gaps, 99)), ("push_gap_max_ms", Max(gaps)),
            ("fanout_spread_p50_ms", Ms(spread, 50)), ("fanout_spread_p99_ms", Ms(spread, 99)),
            ("pushes_per_viewer_per_second", pushesInWindow / (double)viewerCount / measuredSeconds),
            ("post_p99_ms", Ms(postLatency, 99)),
            ("result_cpu_percent", 100 * resultCpu), ("generator_cpu_percent", 100 * ownCpu));
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

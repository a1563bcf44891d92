using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace Voting.Bench;

/// <summary>
/// A large room: N light viewers (<see cref="LightViewer"/>) follow one event on one result process,
/// and the presenter switches the live poll a number of times. Viewers follow as the audience page
/// does (<c>FollowEvent</c>: the event messages only); <c>--method SubscribeEvent</c> follows as a
/// presenter's screen does, with the live poll's results too (one more message a switch). For each
/// switch, each viewer's latency runs from just before the switch request is sent to the poll role
/// to the arrival of the <c>event</c> message naming the new poll. Every viewer must get every switch.
/// With <c>--result-pid</c>, the result process's resident memory is read before the viewers
/// connect, once they all follow, and throughout the switches.
/// </summary>
internal static class EventFanout
{
    private static readonly string[] Options = ["Yes", "No", "Maybe"];

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var pollUrl = new Uri(args["poll-url"]);
        var resultUrl = new Uri(args["result-url"]);
        var token = args["token"];
        var count = args.Int("connections", 10_000);
        var switches = args.Int("switches", 10);
        var resultPid = args.Int("result-pid", 0);
        var method = args.Get("method", "FollowEvent");

        using var http = new HttpClient { BaseAddress = pollUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (eventId, code) = await CreateEventAsync(http, $"Fan-out {count}");
        var polls = new string[switches];
        for (var i = 0; i < switches; i++)
        {
            polls[i] = await CreatePollAsync(http, eventId, i);
        }
        var index = polls.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);

        var rssBefore = Rss(resultPid);
        // received[viewer][switch]: when the viewer got the event message for that switch (0: not yet).
        var received = new long[count][];
        var initial = 0;
        var crowd = await LightViewer.Crowd.ConnectAsync(new Uri(resultUrl, "/hubs/results"), count, method, _ => code, i =>
        {
            received[i] = new long[switches];
            return (target, record, at) =>
            {
                if (target != "event")
                {
                    return;
                }
                var live = LightViewer.Field(record, "\"livePollId\":"u8);
                if (!live.SequenceEqual("null"u8) && index.TryGetValue(Encoding.ASCII.GetString(live), out var s))
                {
                    Interlocked.CompareExchange(ref received[i][s], at, 0);
                }
                else
                {
                    Interlocked.Increment(ref initial);
                }
            };
        });
        await using var _ = crowd;
        await WaitAsync(() => Volatile.Read(ref initial) >= count, TimeSpan.FromSeconds(30));
        // Let the connections' buffers settle before reading what they cost.
        await Task.Delay(2000);
        var rssConnected = Rss(resultPid);
        var rssPeak = rssConnected;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, Rss(resultPid));
                await Task.Delay(100, CancellationToken.None);
            }
        });

        var latency = new LongHistogram(1, 60_000_000, 3);
        var perSwitchP99 = new List<double>();
        double resultCpu = 0, clientCpu = 0;
        long missing = 0;
        for (var s = 0; s < switches; s++)
        {
            var cpuBefore = (Result: CpuSeconds(resultPid), Client: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var sent = Stopwatch.GetTimestamp();
            using (var live = new StringContent($$"""{"pollId":"{{polls[s]}}"}""", Encoding.UTF8, "application/json"))
            using (var response = await http.PostAsync($"/api/events/{eventId}/live", live))
            {
                if (response.StatusCode != HttpStatusCode.NoContent)
                {
                    throw new InvalidOperationException($"switch {s}: {(int)response.StatusCode}");
                }
            }
            var slot = s;
            await WaitAsync(() => received.All(r => Volatile.Read(ref r[slot]) != 0), TimeSpan.FromSeconds(10));
            resultCpu += CpuSeconds(resultPid) - cpuBefore.Result;
            clientCpu += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuBefore.Client;
            var one = new LongHistogram(1, 60_000_000, 3);
            foreach (var r in received)
            {
                var at = Volatile.Read(ref r[s]);
                if (at == 0)
                {
                    missing++;
                    continue;
                }
                var micros = Math.Max(1, (at - sent) * 1_000_000 / Stopwatch.Frequency);
                latency.RecordValue(micros);
                one.RecordValue(micros);
            }
            perSwitchP99.Add(one.TotalCount == 0 ? double.NaN : one.GetValueAtPercentile(99) / 1000.0);
            // A presenter moves on every few seconds, not back to back.
            await Task.Delay(1000);
        }
        await sampling.CancelAsync();
        await sampler;
        var closed = crowd.Viewers.Count(v => v.Closed);

        static double Ms(HistogramBase h, double percentile) => h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
        Report.Result(
            ("connections", count), ("switches", switches), ("method", method), ("connect_seconds", crowd.ConnectSeconds),
            ("p50_ms", Ms(latency, 50)), ("p99_ms", Ms(latency, 99)), ("max_ms", latency.TotalCount == 0 ? double.NaN : latency.GetMaxValue() / 1000.0),
            ("missing", missing), ("closed", closed),
            ("worst_switch_p99_ms", perSwitchP99.Count == 0 ? double.NaN : perSwitchP99.Max()),
            ("rss_before_mb", rssBefore / 1024.0), ("rss_connected_mb", rssConnected / 1024.0), ("rss_peak_mb", rssPeak / 1024.0),
            ("kb_per_connection", count == 0 ? 0 : (rssConnected - rssBefore) / (double)count),
            ("result_cpu_ms_per_switch", 1000 * resultCpu / switches), ("generator_cpu_ms_per_switch", 1000 * clientCpu / switches));
        return missing == 0 && closed == 0 ? 0 : 1;
    }

    private static async Task<(string Id, string Code)> CreateEventAsync(HttpClient http, string title)
    {
        using var body = new StringContent(JsonSerializer.Serialize(new { title }), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/events", body);
        response.EnsureSuccessStatusCode();
        var created = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return (created.RootElement.GetProperty("id").GetString()!, created.RootElement.GetProperty("code").GetString()!);
    }

    private static async Task<string> CreatePollAsync(HttpClient http, string eventId, int i)
    {
        var json = JsonSerializer.Serialize(new { question = $"Question {i + 1}?", options = Options, eventId });
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/polls", body);
        response.EnsureSuccessStatusCode();
        var created = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return created.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task WaitAsync(Func<bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!done() && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>A process's resident set in KiB (0 when not given or gone).</summary>
    internal static long Rss(int pid)
    {
        if (pid <= 0)
        {
            return 0;
        }
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Gone.
        }
        return 0;
    }

    /// <summary>A process's CPU time so far (user + system), in seconds, from /proc/PID/stat.</summary>
    internal static double CpuSeconds(int pid)
    {
        if (pid <= 0)
        {
            return 0;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the line (12 and 13 after the command name).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

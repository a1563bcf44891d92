using System.Net;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Tests.Deploy;
using Voting.Tests.Infrastructure;
using Voting.Tests.Result;

namespace Voting.Tests.Monitoring;

/// <summary>
/// A real Prometheus (Debian's package) with the project's scrape configuration and rules, pointed
/// at the three roles running as processes on loopback, as pod discovery would describe them.
/// Votes go in; the series the dashboard, the alerts and the result HPA read come back out of
/// Prometheus's HTTP API.
/// </summary>
public sealed class PrometheusEndToEndTests
{
    private const string Namespace = "voting";

    // The rules evaluate every 30 s (their group interval, as deployed): allow two rounds and more.
    private static readonly TimeSpan RuleDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ScrapeDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Prometheus_scrapes_the_roles_and_serves_the_dashboard_alert_and_autoscaler_series()
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToEnvironment();
        await using var poll = AppProcess.Start(["--role", "poll"], env);
        await using var worker = AppProcess.Start(["--role", "worker"], env);
        await using var result = AppProcess.Start(["--role", "result"], env);
        await Task.WhenAll(poll.WaitUntilReadyAsync(), worker.WaitUntilReadyAsync(), result.WaitUntilReadyAsync());
        var apps = new Dictionary<string, AppProcess>(StringComparer.Ordinal) { ["poll"] = poll, ["worker"] = worker, ["result"] = result };

        await using var cadvisor = new CadvisorLikeExporter([.. apps.Select(a => (Namespace, PodName(a.Key), a.Value.Id))]);
        var work = Directory.CreateTempSubdirectory("voting-prometheus-");
        try
        {
            var config = LoopbackScrapeConfig.Write(work.FullName, Targets(apps, cadvisor.Port), interval: "1s");
            await using var prometheus = await PrometheusServer.StartAsync(config, work.FullName);
            try
            {
                await RunAsync(prometheus, settings, poll, result);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"{e.Message}\n--- prometheus log (tail) ---\n{Tail(prometheus.Log)}", e);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(PrometheusServer prometheus, Settings settings, AppProcess poll, AppProcess result)
    {
        // Discovery and relabelling: exactly the three roles' pods are scraped, with the labels the rules read.
        var up = await Eventually.WaitAsync(() => prometheus.QueryAsync("up{job=~\"voting|cadvisor\"} == 1"), s => s.Count == 4, ScrapeDeadline, "four healthy targets");
        Assert.Equal(
            ["cadvisor", "voting/poll-0/poll/true/voting", "voting/result-0/result/true/voting", "voting/worker-0/worker/true/voting"],
            up.Select(s => string.Join('/', new[] { s.Labels["job"], s.Labels.GetValueOrDefault("pod"), s.Labels.GetValueOrDefault("role"), s.Labels.GetValueOrDefault("ready"), s.Labels.GetValueOrDefault("namespace") }.Where(v => v is not null)))
                .Order(StringComparer.Ordinal));
        // Redis, PostgreSQL, the migrate Job and the backup CronJobs' pods are discovered too, and dropped by the relabelling.
        var targets = await prometheus.GetDataAsync("/api/v1/targets");
        var scraped = targets.GetProperty("activeTargets").EnumerateArray().Select(t => t.GetProperty("labels").GetProperty("job").GetString()).Count(j => j is "voting" or "cadvisor");
        Assert.Equal(4, scraped);
        var dropped = targets.GetProperty("droppedTargets").EnumerateArray()
            .Select(t => t.GetProperty("discoveredLabels").GetProperty("__meta_kubernetes_pod_name").GetString()).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["migrate-0", "postgres-0", "postgres-backup-0", "postgres-restore-0", "redis-0"], dropped);

        using var pollClient = new HttpClient { BaseAddress = poll.Address };
        var created = await Api.CreatePollAsync(pollClient, "Monitored?", "Yes", "No");
        var (hub, _) = await ResultHubTests.SubscribeAsync(result.Address, created.Id);
        await using var _ = hub;

        // Two waves, so every counter has been scraped before it moves (rates need an increase).
        await VoteAsync(pollClient, created.Id, 10);
        await WaitForAsync(prometheus, "sum(voting_votes_accepted_total{job=\"voting\"})", 10);
        await VoteAsync(pollClient, created.Id, 10);
        for (var i = 0; i < 3; i++)
        {
            using var refused = await Api.VoteAsync(pollClient, created.Id, "maybe", Api.NewVoter());
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }

        // A dead letter: a vote for a poll that does not exist, as a forged or corrupted entry would be.
        using var redis = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        await DeadLetterAsync(redis, settings.StreamKey);
        await WaitForAsync(prometheus, "sum(voting_dead_letters_total{job=\"voting\"})", 1);
        await DeadLetterAsync(redis, settings.StreamKey);

        // The figures, as Prometheus has them.
        await WaitForAsync(prometheus, "sum(voting_votes_accepted_total{job=\"voting\"})", 20);
        await WaitForAsync(prometheus, "sum(voting_votes_written_total{job=\"voting\"})", 20);
        await WaitForAsync(prometheus, "sum(voting_votes_rejected_total{job=\"voting\", reason=\"unknown_option\"})", 3);
        await WaitForAsync(prometheus, "sum(voting_dead_letters_total{job=\"voting\"})", 2);
        await WaitForAsync(prometheus, "sum(voting_viewers{job=\"voting\", role=\"result\"})", 1);

        // Every pinned metric arrives through the scrape, under the name the rules and the dashboard use.
        foreach (var name in KnownMetrics.App)
        {
            var series = await prometheus.QueryAsync($"{{__name__=\"{name}\", job=\"voting\"}}");
            Assert.True(series.Count > 0, $"{name} is not in Prometheus");
            Assert.All(series, s => Assert.False(s.Labels.ContainsKey("otel_scope_name"), $"{name} kept otel_scope_name"));
        }

        await DashboardQueriesAnswerAsync(prometheus);
        await AdapterRuleServesTheViewersOfTheResultPodAsync(prometheus);
        await RulesAreHealthyAndTheDeadLetterAlertFiresAsync(prometheus);
    }

    /// <summary>Each panel's queries, as Grafana would send them for namespace "voting", answer with series.</summary>
    private static async Task DashboardQueriesAnswerAsync(PrometheusServer prometheus)
    {
        foreach (var (title, queries) in Dashboard.Panels(Dashboard.Load()))
        {
            foreach (var query in queries.Select(q => Dashboard.ForNamespace(q, Namespace)))
            {
                await Eventually.WaitAsync(() => prometheus.QueryAsync(query), s => s.Count > 0, RuleDeadline, $"panel \"{title}\": {query}");
            }
        }
        // Figures the panels show, from the recorded series.
        await WaitForAsync(prometheus, $"namespace:voting_viewers:sum{{namespace=\"{Namespace}\"}}", 1);
        await WaitForAsync(prometheus, $"namespace_role:voting_ready_pods:count{{namespace=\"{Namespace}\", role=\"worker\"}}", 1);
        await Eventually.WaitAsync(() => prometheus.QueryAsync($"namespace:voting_votes_accepted:rate1m{{namespace=\"{Namespace}\"}}"),
            s => s.Count == 1 && s[0].Value > 0, RuleDeadline, "a vote rate above zero");
        // cAdvisor's series per pod: the three roles' containers, not sandboxes, cgroup roots or cAdvisor itself.
        var cpu = await Eventually.WaitAsync(() => prometheus.QueryAsync($"namespace_pod_container:container_cpu_usage_seconds_total:rate1m{{namespace=\"{Namespace}\"}}"),
            s => s.Count == 3, RuleDeadline, "CPU per pod for the three roles");
        Assert.Equal(["poll-0", "result-0", "worker-0"], cpu.Select(s => s.Labels["pod"]).Order(StringComparer.Ordinal));
        Assert.All(cpu, s => Assert.Equal("voting", s.Labels["container"]));
        var memory = await prometheus.QueryAsync($"namespace_pod_container:container_memory_working_set_bytes:max{{namespace=\"{Namespace}\"}}");
        Assert.Equal(3, memory.Count);
        Assert.All(memory, s => Assert.InRange(s.Value, 10e6, 2e9)); // a .NET process's working set, in bytes
    }

    /// <summary>prometheus-adapter's discovery, naming and query steps, run against the real series.</summary>
    private static async Task AdapterRuleServesTheViewersOfTheResultPodAsync(PrometheusServer prometheus)
    {
        var rule = AdapterValuesFile.Load().Rules.Custom.Single();
        var series = await prometheus.SeriesAsync(rule.SeriesQuery);
        Assert.NotEmpty(series);
        var hpaMetric = RenderedOverlay.Load("deploy/overlays/production").OfType<k8s.Models.V2HorizontalPodAutoscaler>()
            .Single(h => h.Spec.ScaleTargetRef.Name == "result").Spec.Metrics.Single(m => m.Type == "Pods").Pods.Metric.Name;
        Assert.All(series, s => Assert.Equal(hpaMetric, rule.ApiName(s["__name__"])));
        Assert.All(series, s => Assert.All(rule.Resources.Overrides.Keys, label => Assert.False(string.IsNullOrEmpty(s.GetValueOrDefault(label)), $"a series without {label}")));

        // What the HPA asks for: the metric for each pod of the result Deployment.
        var answer = await prometheus.QueryAsync(rule.QueryForPods(Namespace, ["result-0"]));
        var one = Assert.Single(answer);
        Assert.Equal("result-0", one.Labels["pod"]);
        Assert.Equal(1.0, one.Value);
    }

    private static async Task RulesAreHealthyAndTheDeadLetterAlertFiresAsync(PrometheusServer prometheus)
    {
        var groups = await Eventually.WaitAsync(async () =>
            {
                var data = await prometheus.GetDataAsync("/api/v1/rules");
                return data.GetProperty("groups").EnumerateArray()
                    .SelectMany(g => g.GetProperty("rules").EnumerateArray().Select(r => (Group: g.GetProperty("name").GetString()!, Name: r.GetProperty("name").GetString()!, Health: r.GetProperty("health").GetString()!, Error: r.TryGetProperty("lastError", out var e) ? e.GetString() : null)))
                    .ToList();
            },
            rules => rules.Count > 0 && rules.All(r => r.Health == "ok"), RuleDeadline, "every rule evaluated without error");
        Assert.Equal(MonitoringRepo.RuleEntries().Count(), groups.Count);

        await Eventually.WaitAsync(() => prometheus.QueryAsync("ALERTS{alertname=\"VotingDeadLetters\", alertstate=\"firing\", namespace=\"voting\"}"),
            s => s.Count == 1, RuleDeadline, "VotingDeadLetters to fire");
        // No other alert is even pending, except that a scrape timing out on a busy machine (1 s here)
        // may briefly make VotingRoleNotReady pending: that one must not fire.
        var others = await prometheus.QueryAsync(
            "ALERTS{alertname!~\"VotingDeadLetters|VotingRoleNotReady\"} or ALERTS{alertname=\"VotingRoleNotReady\", alertstate=\"firing\"}");
        Assert.True(others.Count == 0, string.Join(", ", others.Select(a => a.Labels["alertname"])));
    }

    private static async Task VoteAsync(HttpClient client, string pollId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await Api.VoteAsync(client, pollId, i % 2 == 0 ? "yes" : "no", Api.NewVoter());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    private static async Task DeadLetterAsync(ConnectionMultiplexer redis, string streamKey) =>
        await redis.GetDatabase().StreamAddAsync(streamKey, new VoteMessage("no-such-poll", "yes", Guid.NewGuid(), DateTimeOffset.UtcNow).ToEntry());

    private static async Task WaitForAsync(PrometheusServer prometheus, string query, double value) =>
        await Eventually.WaitAsync(() => prometheus.QueryAsync(query), s => s.Count == 1 && s[0].Value == value, RuleDeadline, $"{query} == {value}");

    /// <summary>Every pod the production overlay runs, as pod discovery lists it; only the roles listen.</summary>
    private static Dictionary<string, IReadOnlyList<DiscoveredTarget>> Targets(Dictionary<string, AppProcess> apps, int cadvisorPort)
    {
        var voting = new List<DiscoveredTarget>();
        foreach (var w in RenderedOverlay.Load("deploy/overlays/production").Workloads())
        {
            var address = apps.TryGetValue(w.Name, out var app) ? $"127.0.0.1:{app.Address.Port}" : $"127.0.0.1:{AppProcess.FreePort()}";
            var ports = w.Pod.Containers.SelectMany(c => c.Ports ?? []).Select(p => p.Name ?? "").DefaultIfEmpty("");
            voting.AddRange(ports.Select(port => LoopbackScrapeConfig.Pod(address, w.Namespace, PodName(w.Name), w.PodLabels, port)));
        }
        var daemon = RenderedOverlay.Load("deploy/cadvisor/base").Workloads().Single();
        var cadvisor = daemon.Pod.Containers.SelectMany(c => c.Ports ?? [])
            .Select(p => LoopbackScrapeConfig.Pod($"127.0.0.1:{cadvisorPort}", daemon.Namespace, "cadvisor-node-a", daemon.PodLabels, p.Name ?? ""))
            .ToList();
        return new(StringComparer.Ordinal) { ["voting"] = voting, ["cadvisor"] = cadvisor };
    }

    private static string PodName(string workload) => $"{workload}-0";

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;
}

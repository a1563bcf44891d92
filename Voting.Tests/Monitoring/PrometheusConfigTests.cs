using Voting.Tests.Deploy;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Voting.Tests.Monitoring;

/// <summary>The plain Prometheus's configuration and the rules, through Debian's promtool.</summary>
public sealed class PrometheusConfigTests
{
    [Fact]
    public void Plain_prometheus_config_passes_promtool_check_config()
    {
        // Debian's Prometheus is built without Kubernetes discovery, so those blocks are swapped for
        // files (LoopbackScrapeConfig) and checked on their own below; everything else is as committed.
        var dir = Directory.CreateTempSubdirectory("voting-promconfig-");
        try
        {
            var config = LoopbackScrapeConfig.Write(dir.FullName, new Dictionary<string, IReadOnlyList<DiscoveredTarget>>());
            var (code, output) = MonitoringRepo.Promtool("check", "config", config);
            Assert.True(code == 0, output);
            Assert.Contains("SUCCESS: 1 rule files found", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_broken_scrape_config_fails_promtool_check_config()
    {
        var dir = Directory.CreateTempSubdirectory("voting-promconfig-");
        try
        {
            var config = LoopbackScrapeConfig.Write(dir.FullName, new Dictionary<string, IReadOnlyList<DiscoveredTarget>>());
            File.WriteAllText(config, File.ReadAllText(config).Replace("action: labeldrop", "action: label_drop", StringComparison.Ordinal));
            var (code, output) = MonitoringRepo.Promtool("check", "config", config);
            Assert.NotEqual(0, code);
            Assert.Contains("label_drop", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>kubernetes_sd_configs, read strictly against the fields of Prometheus's discovery/kubernetes SDConfig.</summary>
    [Fact]
    public void Kubernetes_discovery_uses_only_fields_and_roles_prometheus_knows()
    {
        var deserializer = new DeserializerBuilder().Build();
        var root = MonitoringRepo.LoadYaml(MonitoringRepo.PrometheusConfig);
        var jobs = ((YamlSequenceNode)root["scrape_configs"]).Cast<YamlMappingNode>().ToList();
        var discovered = new List<(string Job, KubernetesSdConfig Sd)>();
        foreach (var job in jobs)
        {
            if (!job.Children.TryGetValue(new YamlScalarNode("kubernetes_sd_configs"), out var node))
            {
                continue;
            }
            var text = new SerializerBuilder().Build().Serialize(node);
            foreach (var sd in deserializer.Deserialize<List<KubernetesSdConfig>>(text))
            {
                discovered.Add((((YamlScalarNode)job["job_name"]).Value!, sd));
            }
        }
        Assert.Equal(["cadvisor", "voting"], discovered.Select(d => d.Job).Order(StringComparer.Ordinal));
        Assert.All(discovered, d => Assert.Equal("pod", d.Sd.Role));
        Assert.All(discovered, d => Assert.NotEmpty(d.Sd.Namespaces?.Names ?? []));
        Assert.Throws<YamlDotNet.Core.YamlException>(() => deserializer.Deserialize<List<KubernetesSdConfig>>("- role: pod\n  namespace:\n    names: [voting]\n"));
    }

    [Fact]
    public void Rules_pass_promtool_check_rules()
    {
        var (code, output) = MonitoringRepo.Promtool("check", "rules", MonitoringRepo.RulesFile);
        Assert.True(code == 0, output);
        Assert.Contains($"SUCCESS: {MonitoringRepo.RuleEntries().Count()} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_passes_its_promtool_unit_tests()
    {
        var (code, output) = MonitoringRepo.Promtool("test", "rules", MonitoringRepo.RulesTestFile);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    /// <summary>Each alert is tested firing (exp_alerts with an entry) and quiet (exp_alerts: []).</summary>
    [Fact]
    public void Every_alert_has_a_unit_test_that_fires_it_and_one_that_keeps_it_quiet()
    {
        var tests = (YamlSequenceNode)MonitoringRepo.LoadYaml(MonitoringRepo.RulesTestFile)["tests"];
        var cases = tests.Cast<YamlMappingNode>()
            .Where(t => t.Children.ContainsKey(new YamlScalarNode("alert_rule_test")))
            .SelectMany(t => ((YamlSequenceNode)t["alert_rule_test"]).Cast<YamlMappingNode>())
            .Select(c => (Alert: ((YamlScalarNode)c["alertname"]).Value!, Fires: ((YamlSequenceNode)c["exp_alerts"]).Children.Count > 0))
            .ToList();
        Assert.NotEmpty(MonitoringRepo.AlertNames());
        foreach (var alert in MonitoringRepo.AlertNames())
        {
            Assert.True(cases.Any(c => c.Alert == alert && c.Fires), $"no unit test expects {alert} to fire");
            Assert.True(cases.Any(c => c.Alert == alert && !c.Fires), $"no unit test expects {alert} to stay quiet");
        }
        // The issue's list: lag growing, dead letters, 503 "not confirmed", a role not ready, pending stuck.
        Assert.Subset(MonitoringRepo.AlertNames().ToHashSet(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal)
        {
            "VotingConsumerLagGrowing", "VotingDeadLetters", "VotingVotesNotConfirmed", "VotingRoleNotReady", "VotingPendingEntriesStuck",
        });
    }

    [Fact]
    public void Rules_read_only_metrics_that_the_scrape_jobs_deliver_or_other_rules_record()
    {
        var known = KnownMetrics.App.Concat(KnownMetrics.Cadvisor).Concat(KnownMetrics.Synthetic).Concat(MonitoringRepo.RecordNames()).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in MonitoringRepo.RuleEntries())
        {
            var unknown = PromQL.MetricNames(rule["expr"]).Where(n => !known.Contains(n)).ToList();
            Assert.True(unknown.Count == 0, $"{rule.GetValueOrDefault("alert") ?? rule["record"]} reads {string.Join(", ", unknown)}, which nothing exports");
        }
        // The reader itself finds names, so an empty answer above means something.
        Assert.Equal(["voting_consumer_lag"], PromQL.MetricNames("max by (namespace) (voting_consumer_lag{role=\"worker\"}) > 1000 and on (namespace) max by (namespace) (deriv(voting_consumer_lag[5m])) > 0"));
        Assert.Equal(["namespace:voting_stream_pending:max"], PromQL.MetricNames("min_over_time(namespace:voting_stream_pending:max[10m]) > 0"));
        Assert.Equal(["up"], PromQL.MetricNames("count by (namespace, role) (up{job=\"voting\", ready=\"true\"} == 1)"));
    }

    [Fact]
    public void The_prometheus_rule_for_kube_prometheus_stack_holds_the_same_groups_as_the_rules_file()
    {
        var rule = MonitoringRepo.Render(MonitoringRepo.StackDir).OfType<PrometheusRule>().Single();
        var fromCrd = new SerializerBuilder().Build().Serialize(MonitoringRepo.LoadYaml(MonitoringRepo.RulesFile)["groups"]);
        var plain = new DeserializerBuilder().Build().Deserialize<List<PrometheusRuleGroupYaml>>(fromCrd);
        Assert.Equal(plain.Count, rule.Spec!.Groups!.Count);
        for (var g = 0; g < plain.Count; g++)
        {
            var a = plain[g];
            var b = rule.Spec.Groups[g];
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Interval, b.Interval);
            Assert.Equal(a.Rules.Count, b.Rules!.Count);
            for (var r = 0; r < a.Rules.Count; r++)
            {
                var x = a.Rules[r];
                var y = b.Rules[r];
                var what = $"{b.Name}/{y.Alert ?? y.Record}: edit deploy/monitoring/kube-prometheus-stack/prometheusrule.yaml to match the rules file";
                Assert.True(x.Record == y.Record && x.Alert == y.Alert && x.Expr == y.Expr && x.For == y.For, what);
                Assert.True(SameMap(x.Labels, y.Labels) && SameMap(x.Annotations, y.Annotations), what);
            }
        }
    }

    private static bool SameMap(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual((b ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal));

    /// <summary>Both variants give app and cAdvisor series the same labels, so one set of rules and one dashboard serve both.</summary>
    [Fact]
    public void PodMonitor_and_ServiceMonitor_relabel_like_the_plain_scrape_jobs()
    {
        var stack = MonitoringRepo.Render(MonitoringRepo.StackDir);
        var jobs = ((YamlSequenceNode)MonitoringRepo.LoadYaml(MonitoringRepo.PrometheusConfig)["scrape_configs"]).Cast<YamlMappingNode>()
            .ToDictionary(j => ((YamlScalarNode)j["job_name"]).Value!, j => j, StringComparer.Ordinal);

        var podMonitor = stack.OfType<PodMonitor>().Single().Spec!.PodMetricsEndpoints!.Single();
        // The operator adds namespace, pod and container itself; the relabelings add the rest.
        var podTargets = podMonitor.Relabelings!.Select(r => r.TargetLabel).OfType<string>().Append("namespace").Append("pod").ToHashSet(StringComparer.Ordinal);
        var plainTargets = Relabels(jobs["voting"], "relabel_configs").Select(r => r.Target).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Equal(["namespace", "node", "pod", "ready", "role"], plainTargets.Order(StringComparer.Ordinal));
        Assert.Subset(podTargets, plainTargets);
        Assert.Equal(Relabels(jobs["voting"], "metric_relabel_configs"), podMonitor.MetricRelabelings!.Select(Comparable));
        Assert.Equal("voting", podMonitor.Relabelings!.Single(r => r.TargetLabel == "job").Replacement);

        var cadvisor = stack.OfType<ServiceMonitor>().Single().Spec!.Endpoints.Single();
        Assert.Equal(Relabels(jobs["cadvisor"], "metric_relabel_configs"), cadvisor.MetricRelabelings!.Select(Comparable));
        Assert.Equal("cadvisor", cadvisor.Relabelings!.Single(r => r.TargetLabel == "job").Replacement);
    }

    private static List<Relabel> Relabels(YamlMappingNode job, string key) =>
        [.. ((YamlSequenceNode)job[key]).Cast<YamlMappingNode>().Select(m => new Relabel(
            m.Children.TryGetValue(new YamlScalarNode("source_labels"), out var s) ? string.Join(',', ((YamlSequenceNode)s).Select(x => ((YamlScalarNode)x).Value)) : null,
            m.Children.TryGetValue(new YamlScalarNode("target_label"), out var t) ? ((YamlScalarNode)t).Value : null,
            m.Children.TryGetValue(new YamlScalarNode("regex"), out var r) ? ((YamlScalarNode)r).Value : null,
            m.Children.TryGetValue(new YamlScalarNode("action"), out var a) ? ((YamlScalarNode)a).Value : null))];

    private static Relabel Comparable(MonitorRelabelConfig r) =>
        new(r.SourceLabels is null ? null : string.Join(',', r.SourceLabels), r.TargetLabel, r.Regex, r.Action);

    private sealed record Relabel(string? Source, string? Target, string? Regex, string? Action);
}

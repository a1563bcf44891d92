using k8s.Models;
using Voting.Tests.Deploy;

namespace Voting.Tests.Monitoring;

/// <summary>The prometheus-adapter rule behind the result HPA's Pods metric (read against a real Prometheus in PrometheusEndToEndTests).</summary>
public sealed class AdapterRuleTests
{
    [Fact]
    public void Every_pods_metric_of_an_hpa_is_served_by_exactly_one_adapter_rule()
    {
        var values = AdapterValuesFile.Load();
        var hpaMetrics = RenderedOverlay.Load("deploy/overlays/production").OfType<V2HorizontalPodAutoscaler>()
            .SelectMany(h => h.Spec.Metrics.Where(m => m.Type == "Pods").Select(m => m.Pods.Metric.Name))
            .ToList();
        Assert.Equal(["voting_viewers"], hpaMetrics);
        foreach (var metric in hpaMetrics)
        {
            // The series the app exports under that name (KnownMetrics.App, checked on a real scrape).
            var series = KnownMetrics.App.Where(n => values.Rules.Custom.Any(r => r.ApiName(n) == metric)).ToList();
            Assert.Equal([metric], series);
            Assert.Single(values.Rules.Custom, r => r.ApiName(metric) == metric);
        }
        Assert.All(KnownMetrics.App.Where(n => n != "voting_viewers"), n => Assert.All(values.Rules.Custom, r => Assert.Null(r.ApiName(n))));
    }

    [Fact]
    public void The_rule_maps_the_namespace_and_pod_labels_the_scrape_gives_every_series()
    {
        var rule = AdapterValuesFile.Load().Rules.Custom.Single();
        Assert.Equal("namespace", rule.Resources.Overrides["namespace"].Resource);
        Assert.Equal("pod", rule.Resources.Overrides["pod"].Resource);
        Assert.Equal(
            "sum by (pod) (voting_viewers{namespace=\"voting\",pod=~\"result-a|result-b\",job=\"voting\"})",
            rule.QueryForPods("voting", ["result-a", "result-b"]));
    }

    [Fact]
    public void The_adapter_queries_the_prometheus_service_of_the_plain_variant()
    {
        var values = AdapterValuesFile.Load();
        var service = MonitoringRepo.Render(MonitoringRepo.PlainDir).OfType<V1Service>().Single(s => s.Metadata.Name == "prometheus");
        Assert.Equal($"http://{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc", values.Prometheus.Url);
        Assert.Equal(service.Spec.Ports.Single().Port, values.Prometheus.Port);
        Assert.False(values.Rules.Default);
    }

    [Fact]
    public void A_misspelled_adapter_field_is_rejected()
    {
        var text = File.ReadAllText(MonitoringRepo.AdapterValues);
        Assert.Contains("metricsQuery:", text, StringComparison.Ordinal);
        AdapterValuesFile.Load(text);
        Assert.ThrowsAny<Exception>(() => AdapterValuesFile.Load(text.Replace("metricsQuery:", "metricQuery:", StringComparison.Ordinal)));
    }
}

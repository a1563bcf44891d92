using System.Text.Json;
using k8s.Models;

namespace Voting.Tests.Monitoring;

/// <summary>The Grafana dashboard: what it shows, that its queries parse and read only series that exist.</summary>
public sealed class DashboardTests
{
    [Fact]
    public void Dashboard_shows_every_quantity_the_operator_needs()
    {
        var panels = Dashboard.Panels(Dashboard.Load());
        var queries = string.Join('\n', panels.SelectMany(p => p.Queries));
        // The issue's list, each by the series that carries it.
        foreach (var series in new[]
        {
            "voting_votes_accepted", "voting_votes_rejected", "voting_votes_not_confirmed", "voting_stream_length", "voting_consumer_lag",
            "voting_stream_pending", "voting_batch_size", "voting_batch_duration_seconds", "voting_dead_letters",
            "voting_result_pushes", "voting_viewers", "container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
        })
        {
            Assert.True(queries.Contains(series, StringComparison.Ordinal), $"no panel shows {series}");
        }
        Assert.All(panels, p => Assert.NotEmpty(p.Queries));
        Assert.Equal(panels.Count, panels.Select(p => p.Title).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_query_names_the_prometheus_datasource_variable_and_one_namespace()
    {
        var dashboard = Dashboard.Load();
        var variables = dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var datasource = variables.Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", datasource.GetProperty("type").GetString());
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        Assert.Contains(variables, v => v.GetProperty("name").GetString() == "namespace");
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row"))
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.Contains("namespace=\"$namespace\"", target.GetProperty("expr").GetString(), StringComparison.Ordinal);
            }
        }
        Assert.Equal("voting-overview", dashboard.GetProperty("uid").GetString());
    }

    /// <summary>promtool parses each query, as a recording rule in a throw-away rules file.</summary>
    [Fact]
    public void Every_query_parses_as_promql()
    {
        var queries = Dashboard.Panels(Dashboard.Load()).SelectMany(p => p.Queries).Select(q => Dashboard.ForNamespace(q, "voting")).ToList();
        var file = Path.Combine(Path.GetTempPath(), $"voting-dashboard-{Guid.NewGuid():N}.rules.yaml");
        try
        {
            File.WriteAllText(file, "groups:\n  - name: dashboard\n    rules:\n"
                + string.Concat(queries.Select((q, i) => $"      - record: dashboard:query{i}\n        expr: {JsonSerializer.Serialize(q)}\n")));
            var (code, output) = MonitoringRepo.Promtool("check", "rules", file);
            Assert.True(code == 0, output);
            Assert.Contains($"SUCCESS: {queries.Count} rules found", output, StringComparison.Ordinal);

            // And a query that does not parse is caught the same way.
            File.WriteAllText(file, "groups:\n  - name: dashboard\n    rules:\n      - record: dashboard:broken\n        expr: \"sum by (pod (up)\"\n");
            Assert.NotEqual(0, MonitoringRepo.Promtool("check", "rules", file).ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Queries_read_only_recorded_series_or_metrics_the_scrape_jobs_deliver()
    {
        var known = MonitoringRepo.RecordNames().Concat(KnownMetrics.App).Concat(KnownMetrics.Cadvisor).Concat(KnownMetrics.Synthetic).ToHashSet(StringComparer.Ordinal);
        var used = Dashboard.Panels(Dashboard.Load()).SelectMany(p => p.Queries).SelectMany(PromQL.MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(used);
        var unknown = used.Where(n => !known.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"the dashboard reads {string.Join(", ", unknown)}, which no rule records and nothing exports");
        // The namespace variable's own query reads a series every scrape has.
        var variable = Dashboard.Load().GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "namespace");
        var definition = variable.GetProperty("definition").GetString()!; // label_values(SELECTOR, LABEL)
        Assert.Equal(["up"], PromQL.MetricNames(definition["label_values(".Length..definition.LastIndexOf(',')]));
    }

    /// <summary>Provisioned the way Grafana's dashboard sidecar finds it, byte for byte the committed JSON.</summary>
    [Theory]
    [InlineData(MonitoringRepo.PlainDir)]
    [InlineData(MonitoringRepo.StackDir)]
    public void Dashboard_is_provisioned_as_a_configmap_with_the_sidecar_label(string dir)
    {
        var configMap = MonitoringRepo.Render(dir).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "voting-dashboard");
        Assert.Equal("monitoring", configMap.Metadata.NamespaceProperty);
        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(File.ReadAllText(MonitoringRepo.Dashboard), configMap.Data["voting-dashboard.json"]);
    }
}

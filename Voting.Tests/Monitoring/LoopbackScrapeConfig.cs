using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Voting.Tests.Monitoring;

/// <summary>A target as Kubernetes pod discovery would describe it: an address and its meta labels.</summary>
internal sealed record DiscoveredTarget(string Address, IReadOnlyDictionary<string, string> MetaLabels);

/// <summary>
/// deploy/monitoring/prometheus/prometheus.yml made runnable off-cluster: each job's
/// kubernetes_sd_configs becomes a file_sd_configs file holding the same meta labels pod discovery
/// gives, so every relabelling rule runs unchanged; rule_files point at the repository's rules.
/// Nothing else changes, except the intervals when a test asks for faster ones.
/// </summary>
internal static class LoopbackScrapeConfig
{
    public static string Write(string directory, IReadOnlyDictionary<string, IReadOnlyList<DiscoveredTarget>> targetsByJob, string? interval = null)
    {
        var root = MonitoringRepo.LoadYaml(MonitoringRepo.PrometheusConfig);
        if (interval is not null)
        {
            var global = (YamlMappingNode)root["global"];
            global.Children[new YamlScalarNode("scrape_interval")] = new YamlScalarNode(interval);
            global.Children[new YamlScalarNode("evaluation_interval")] = new YamlScalarNode(interval);
            global.Children[new YamlScalarNode("scrape_timeout")] = new YamlScalarNode(interval);
        }
        root.Children[new YamlScalarNode("rule_files")] = new YamlSequenceNode(new YamlScalarNode(MonitoringRepo.RulesFile));

        foreach (var job in ((YamlSequenceNode)root["scrape_configs"]).Cast<YamlMappingNode>())
        {
            var name = ((YamlScalarNode)job["job_name"]).Value!;
            if (!job.Children.Remove(new YamlScalarNode("kubernetes_sd_configs")))
            {
                continue;
            }
            var file = Path.Combine(directory, $"targets-{name}.json");
            var targets = targetsByJob.TryGetValue(name, out var t) ? t : [];
            File.WriteAllText(file, JsonSerializer.Serialize(targets.Select(x => new
            {
                targets = new[] { x.Address },
                labels = x.MetaLabels,
            })));
            job.Children[new YamlScalarNode("file_sd_configs")] = new YamlSequenceNode(new YamlMappingNode(
                new YamlScalarNode("files"), new YamlSequenceNode(new YamlScalarNode(file))));
        }

        var path = Path.Combine(directory, "prometheus.yml");
        using (var writer = new StreamWriter(path))
        {
            new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        }
        return path;
    }

    /// <summary>The meta labels Kubernetes pod discovery gives a running container port (Prometheus docs, kubernetes_sd_config, role pod).</summary>
    public static DiscoveredTarget Pod(string address, string ns, string pod, IDictionary<string, string> podLabels, string portName = "http", bool ready = true, string node = "node-a")
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__meta_kubernetes_namespace"] = ns,
            ["__meta_kubernetes_pod_name"] = pod,
            ["__meta_kubernetes_pod_node_name"] = node,
            ["__meta_kubernetes_pod_phase"] = "Running",
            ["__meta_kubernetes_pod_ready"] = ready ? "true" : "false",
            ["__meta_kubernetes_pod_container_port_name"] = portName,
            ["__meta_kubernetes_pod_container_port_protocol"] = "TCP",
        };
        foreach (var (key, value) in podLabels)
        {
            meta["__meta_kubernetes_pod_label_" + Sanitize(key)] = value;
            meta["__meta_kubernetes_pod_labelpresent_" + Sanitize(key)] = "true";
        }
        return new DiscoveredTarget(address, meta);
    }

    // Prometheus turns every character that is not a letter, digit or underscore into an underscore.
    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));
}

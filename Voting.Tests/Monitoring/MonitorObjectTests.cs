using System.Text.RegularExpressions;
using k8s.Models;
using Voting.Tests.Deploy;
using YamlDotNet.RepresentationModel;

namespace Voting.Tests.Monitoring;

/// <summary>
/// PodMonitor, ServiceMonitor, PrometheusRule, ScaledObject and TriggerAuthentication against the
/// upstream CRDs they were modelled from (strict parsing, plus the CRDs' enumerations and
/// patterns), and against the objects they point at.
/// </summary>
public sealed partial class MonitorObjectTests
{
    // monitoring.coreos.com CRDs, v0.93.0: relabel actions, schemes and the duration pattern.
    private static readonly string[] RelabelActions =
    [
        "replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap", "LabelMap", "labeldrop", "LabelDrop",
        "labelkeep", "LabelKeep", "lowercase", "Lowercase", "uppercase", "Uppercase", "keepequal", "KeepEqual", "dropequal", "DropEqual",
    ];

    private static readonly string[] Schemes = ["http", "https", "HTTP", "HTTPS"];

    // The redis-streams scaler's trigger metadata (pkg/scalers/redis_streams_scaler.go and the
    // connection fields of redis_scaler.go, KEDA v2.20.2).
    private static readonly string[] RedisStreamsMetadata =
    [
        "address", "addresses", "host", "hosts", "port", "ports", "username", "password", "databaseIndex", "enableTLS", "unsafeSsl",
        "stream", "consumerGroup", "pendingEntriesCount", "streamLength", "lagCount", "activationLagCount",
    ];

    [GeneratedRegex(@"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$")]
    private static partial Regex Duration();

    [Theory]
    [InlineData("podMetricsEndpoints:", "podMetricEndpoints:")]
    [InlineData("metricRelabelings:", "metricsRelabelings:")]
    [InlineData("sourceLabels:", "source_labels:")]
    [InlineData("endpoints:", "endpoint:")]
    [InlineData("annotations:", "annotation:")]
    public void Strict_parsing_rejects_a_misspelled_monitor_field(string field, string misspelled)
    {
        var yaml = DeployRepo.Render(MonitoringRepo.StackDir);
        Assert.Contains(field, yaml, StringComparison.Ordinal);
        MonitoringRepo.Parse(yaml);
        Assert.ThrowsAny<Exception>(() => MonitoringRepo.Parse(yaml.Replace(field, misspelled, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("scaleTargetRef:", "scaleTarget:")]
    [InlineData("secretTargetRef:", "secretTargetRefs:")]
    [InlineData("authenticationRef:", "authRef:")]
    [InlineData("minReplicaCount:", "minReplicas:")]
    public void Strict_parsing_rejects_a_misspelled_keda_field(string field, string misspelled)
    {
        var yaml = DeployRepo.Render(MonitoringRepo.KedaExampleDir);
        Assert.Contains(field, yaml, StringComparison.Ordinal);
        MonitoringRepo.Parse(yaml);
        Assert.ThrowsAny<Exception>(() => MonitoringRepo.Parse(yaml.Replace(field, misspelled, StringComparison.Ordinal)));
    }

    [Fact]
    public void Monitors_and_rules_use_the_enumerations_and_durations_of_the_crds()
    {
        var stack = MonitoringRepo.Render(MonitoringRepo.StackDir);
        var podEndpoints = stack.OfType<PodMonitor>().SelectMany(m => m.Spec!.PodMetricsEndpoints ?? [])
            .Select(e => (e.Scheme, e.Interval, Relabel: (e.Relabelings ?? []).Concat(e.MetricRelabelings ?? [])));
        var serviceEndpoints = stack.OfType<ServiceMonitor>().SelectMany(m => m.Spec!.Endpoints)
            .Select(e => (e.Scheme, e.Interval, Relabel: (e.Relabelings ?? []).Concat(e.MetricRelabelings ?? [])));
        var endpoints = podEndpoints.Concat(serviceEndpoints).ToList();
        Assert.Equal(2, endpoints.Count);
        foreach (var (scheme, interval, relabel) in endpoints)
        {
            Assert.True(scheme is null || Schemes.Contains(scheme), scheme);
            Assert.Matches(Duration(), interval ?? "0");
            Assert.All(relabel, r => Assert.True(r.Action is null || RelabelActions.Contains(r.Action), r.Action));
        }
        foreach (var group in stack.OfType<PrometheusRule>().Single().Spec!.Groups!)
        {
            Assert.Matches(Duration(), group.Interval ?? "0");
            Assert.All(group.Rules!, r => Assert.Matches(Duration(), r.For ?? "0"));
            Assert.All(group.Rules!, r => Assert.True(r.Alert is null != r.Record is null, $"{group.Name}: a rule is an alert or a record, not both"));
        }
        Assert.DoesNotMatch(Duration(), "5 m");
    }

    /// <summary>kube-prometheus-stack's Prometheus picks up monitors and rules labelled with its release.</summary>
    [Fact]
    public void Every_monitoring_object_carries_the_release_label_the_stack_selects_on()
    {
        var stack = MonitoringRepo.Render(MonitoringRepo.StackDir);
        var monitored = stack.OfType<PodMonitor>().Select(m => m.Metadata)
            .Concat(stack.OfType<ServiceMonitor>().Select(m => m.Metadata))
            .Concat(stack.OfType<PrometheusRule>().Select(m => m.Metadata)).ToList();
        Assert.Equal(3, monitored.Count);
        Assert.All(monitored, m => Assert.Equal("kube-prometheus-stack", m.Labels["release"]));
    }

    [Fact]
    public void PodMonitor_selects_exactly_poll_worker_and_result_on_their_http_port()
    {
        var monitor = MonitoringRepo.Render(MonitoringRepo.StackDir).OfType<PodMonitor>().Single();
        foreach (var dir in DeployRepo.AppOverlays)
        {
            var overlay = RenderedOverlay.Load(dir);
            var selected = overlay.Workloads()
                .Where(w => w.Namespace == monitor.Metadata.NamespaceProperty && Selectors.Matches(monitor.Spec!.Selector, w.PodLabels))
                .ToList();
            Assert.Equal(["poll", "result", "worker"], selected.Select(w => w.Name).Order(StringComparer.Ordinal));
            var port = monitor.Spec!.PodMetricsEndpoints!.Single().Port;
            Assert.All(selected, w => Assert.Contains(w.Pod.Containers.SelectMany(c => c.Ports ?? []), p => p.Name == port && p.ContainerPort == 8080));
        }
    }

    [Fact]
    public void ServiceMonitor_selects_the_cadvisor_service_and_its_port()
    {
        var monitor = MonitoringRepo.Render(MonitoringRepo.StackDir).OfType<ServiceMonitor>().Single();
        var cadvisor = RenderedOverlay.Load("deploy/cadvisor/base");
        var services = cadvisor.OfType<V1Service>()
            .Where(s => s.Metadata.NamespaceProperty == monitor.Metadata.NamespaceProperty && Selectors.Matches(monitor.Spec!.Selector, s.Metadata.Labels))
            .ToList();
        var service = Assert.Single(services);
        Assert.Contains(service.Spec.Ports, p => p.Name == monitor.Spec!.Endpoints.Single().Port);
    }

    /// <summary>The plain Prometheus: may list pods exactly where it discovers them, mounts what its flags read.</summary>
    [Fact]
    public void Plain_prometheus_reads_pods_only_in_the_namespaces_it_scrapes_and_mounts_its_config()
    {
        var objects = MonitoringRepo.Render(MonitoringRepo.PlainDir);
        var deployment = objects.OfType<V1Deployment>().Single();
        var pod = deployment.Spec.Template.Spec;
        var account = objects.OfType<V1ServiceAccount>().Single();
        Assert.Equal(account.Metadata.Name, pod.ServiceAccountName);

        var config = MonitoringRepo.LoadYaml(MonitoringRepo.PrometheusConfig);
        var discovered = ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>()
            .Where(j => j.Children.ContainsKey(new YamlScalarNode("kubernetes_sd_configs")))
            .SelectMany(j => ((YamlSequenceNode)j["kubernetes_sd_configs"]).Cast<YamlMappingNode>())
            .SelectMany(sd => ((YamlSequenceNode)((YamlMappingNode)sd["namespaces"])["names"]).Select(n => ((YamlScalarNode)n).Value!))
            .Order(StringComparer.Ordinal).ToList();
        var bindings = objects.OfType<V1RoleBinding>().Where(b => b.Subjects.Any(s => s.Name == account.Metadata.Name && s.NamespaceProperty == account.Metadata.NamespaceProperty)).ToList();
        Assert.Equal(discovered, bindings.Select(b => b.Metadata.NamespaceProperty).Order(StringComparer.Ordinal));
        Assert.Empty(objects.OfType<V1ClusterRoleBinding>());
        var role = objects.OfType<V1ClusterRole>().Single(r => bindings.All(b => b.RoleRef.Name == r.Metadata.Name));
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs.Order(StringComparer.Ordinal));

        // --config.file and rule_files point into the mounted ConfigMaps.
        var container = pod.Containers.Single();
        var configFile = container.Args.Single(a => a.StartsWith("--config.file=", StringComparison.Ordinal))["--config.file=".Length..];
        var ruleGlob = ((YamlScalarNode)((YamlSequenceNode)config["rule_files"]).Single()).Value!;
        var mounts = container.VolumeMounts.ToDictionary(m => m.Name, m => m.MountPath, StringComparer.Ordinal);
        var configMaps = pod.Volumes.Where(v => v.ConfigMap is not null).ToDictionary(v => v.Name, v => objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == v.ConfigMap.Name), StringComparer.Ordinal);
        Assert.Contains(configMaps, kv => Path.Combine(mounts[kv.Key], "prometheus.yml") == configFile && kv.Value.Data.ContainsKey("prometheus.yml"));
        Assert.Contains(configMaps, kv => Path.Combine(mounts[kv.Key], "*.yaml") == ruleGlob && kv.Value.Data.ContainsKey("voting.rules.yaml"));
        Assert.Equal(File.ReadAllText(MonitoringRepo.RulesFile), configMaps.Values.Single(c => c.Data.ContainsKey("voting.rules.yaml")).Data["voting.rules.yaml"]);

        // Scraped pods see it as the base's NetworkPolicy expects: namespace "monitoring", app.kubernetes.io/name=prometheus.
        Assert.Equal("monitoring", deployment.Metadata.NamespaceProperty);
        Assert.Equal("prometheus", deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/name"]);
        Assert.Contains(objects.OfType<V1Namespace>(), n => n.Metadata.Name == "monitoring");
    }

    [Fact]
    public void Keda_scales_the_worker_on_the_apps_stream_and_consumer_group()
    {
        var objects = MonitoringRepo.Render(MonitoringRepo.KedaExampleDir);
        var scaled = objects.OfType<ScaledObject>().Single();
        var spec = scaled.Spec!;
        Assert.Equal("worker", spec.ScaleTargetRef.Name);
        var worker = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == spec.ScaleTargetRef.Name);
        // KEDA owns the replica count: the manifest must not reset it, and no other autoscaler may fight it.
        Assert.Null(worker.Spec.Replicas);
        Assert.DoesNotContain(objects.OfType<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == "worker");
        Assert.True(spec.MinReplicaCount >= 1, "workers also trim the stream and claim dead consumers' entries: never zero");
        Assert.True(spec.MaxReplicaCount > spec.MinReplicaCount);

        var trigger = Assert.Single(spec.Triggers);
        Assert.Equal("redis-streams", trigger.Type);
        Assert.All(trigger.Metadata.Keys, k => Assert.Contains(k, RedisStreamsMetadata));
        var queue = new Voting.Queue.QueueSettings();
        Assert.Equal(queue.StreamKey, trigger.Metadata["stream"]);
        Assert.Equal(queue.Group, trigger.Metadata["consumerGroup"]);
        Assert.True(long.Parse(trigger.Metadata["lagCount"], System.Globalization.CultureInfo.InvariantCulture) > 0, "lag mode needs lagCount");

        // The address is the Redis Service, in the app's namespace, on its port.
        var redis = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "redis");
        var address = trigger.Metadata["address"];
        Assert.Equal($"{redis.Metadata.Name}.{redis.Metadata.NamespaceProperty}.svc.cluster.local:{redis.Spec.Ports.Single().Port}", address);

        var auth = objects.OfType<TriggerAuthentication>().Single(a => a.Metadata.Name == trigger.AuthenticationRef!.Name);
        Assert.Equal(scaled.Metadata.NamespaceProperty, auth.Metadata.NamespaceProperty);
        // Redis runs with ACL users: KEDA names its user as well as the password (without a
        // username it would log in as the administrator, "default").
        Assert.Equal(["password", "username"], auth.Spec!.SecretTargetRef!.Select(r => r.Parameter).Order(StringComparer.Ordinal));
        Assert.All(auth.Spec.SecretTargetRef!, r => Assert.Equal(r.Parameter, r.Key));

        // And KEDA's operator may reach Redis through the default-deny policies.
        var policy = objects.OfType<V1NetworkPolicy>().Single(p => p.Metadata.Name == "keda-to-redis");
        Assert.True(Selectors.Matches(policy.Spec.PodSelector, objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "redis").Spec.Template.Metadata.Labels));
    }
}

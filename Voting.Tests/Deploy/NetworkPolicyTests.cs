using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>NetworkPolicies: evaluates the rendered policies for every pair of pods and
/// port and compares the allowed flows with exactly the ones the design needs.</summary>
public sealed class NetworkPolicyTests
{
    private sealed record Pod(string Name, string Namespace, IDictionary<string, string> Labels, IReadOnlyList<(int Port, string Protocol, string? Name)> Ports);

    public static TheoryData<string> Overlays => ["deploy/overlays/dev", "deploy/overlays/production"];

    // Every pod in the namespace may resolve names ("neighbour" is any other pod there).
    private static readonly string[] Expected =
    [
        "traefik->poll:8080/TCP", "traefik->result:8080/TCP",
        "poll->redis:6379/TCP", "worker->redis:6379/TCP",
        "poll->postgres:5432/TCP", "worker->postgres:5432/TCP", "result->postgres:5432/TCP", "migrate->postgres:5432/TCP",
        "prometheus->poll:8080/TCP", "prometheus->worker:8080/TCP", "prometheus->result:8080/TCP",
        "postgres-backup->postgres:5432/TCP", "postgres-restore->postgres:5432/TCP",
        .. new[] { "poll", "worker", "result", "migrate", "redis", "postgres", "postgres-backup", "postgres-restore", "neighbour" }.SelectMany(p => new[] { $"{p}->dns:53/UDP", $"{p}->dns:53/TCP" }),
    ];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Policies_allow_exactly_the_designed_flows(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var policies = o.OfType<V1NetworkPolicy>().ToList();
        var pods = AppPods(o);
        Assert.Equal(["migrate", "poll", "postgres", "postgres-backup", "postgres-restore", "redis", "result", "worker"], pods.Select(p => p.Name).Order(StringComparer.Ordinal));

        AddOutsiders(pods);

        Assert.Equal(Expected.Order(StringComparer.Ordinal), AllowedFlows(policies, pods));
    }

    /// <summary>
    /// The CloudNativePG overlay: the database is the operator's instance pods (no StatefulSet, no
    /// dump CronJobs), which replicate among themselves, answer the operator, and reach object
    /// storage (the Barman Cloud Plugin's sidecar, over HTTPS) and the Kubernetes API.
    /// </summary>
    [Fact]
    public void The_cloudnativepg_overlay_allows_exactly_the_designed_flows()
    {
        var o = RenderedOverlay.Load("deploy/overlays/production-cloudnativepg");
        var policies = o.OfType<V1NetworkPolicy>().ToList();
        var pods = AppPods(o);
        Assert.Equal(["migrate", "poll", "redis", "result", "worker"], pods.Select(p => p.Name).Order(StringComparer.Ordinal));
        var cluster = Assert.Single(o.OfType<CnpgCluster>()).Metadata.Name;
        // Two of the Cluster's instances, labelled as the operator labels them (cnpg.io/cluster), with
        // the ports an instance listens on: PostgreSQL, the status port, the metrics exporter.
        (int, string, string?)[] instancePorts = [(5432, "TCP", "postgresql"), (8000, "TCP", "status"), (9187, "TCP", "metrics")];
        pods.Add(new("postgres", "voting", new Dictionary<string, string> { ["cnpg.io/cluster"] = cluster, ["cnpg.io/instanceRole"] = "primary" }, instancePorts));
        pods.Add(new("postgres-replica", "voting", new Dictionary<string, string> { ["cnpg.io/cluster"] = cluster, ["cnpg.io/instanceRole"] = "replica" }, instancePorts));
        pods.Add(new("cnpg-operator", "cnpg-system", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "cloudnative-pg" }, [(9443, "TCP", "webhook")]));
        pods.Add(new("object-storage", "elsewhere", new Dictionary<string, string>(), [(443, "TCP", "https")]));
        pods.Add(new("kube-api", "default", new Dictionary<string, string> { ["component"] = "apiserver" }, [(6443, "TCP", "https")]));
        AddOutsiders(pods);

        string[] apps = ["poll", "worker", "result", "migrate"];
        string[] instances = ["postgres", "postgres-replica"];
        string[] expected =
        [
            "traefik->poll:8080/TCP", "traefik->result:8080/TCP",
            "poll->redis:6379/TCP", "worker->redis:6379/TCP",
            "prometheus->poll:8080/TCP", "prometheus->worker:8080/TCP", "prometheus->result:8080/TCP",
            .. apps.SelectMany(a => instances.Select(i => $"{a}->{i}:5432/TCP")),
            "postgres->postgres-replica:5432/TCP", "postgres-replica->postgres:5432/TCP",
            .. instances.SelectMany(i => new[] { $"cnpg-operator->{i}:5432/TCP", $"cnpg-operator->{i}:8000/TCP" }),
            .. instances.SelectMany(i => new[] { $"{i}->object-storage:443/TCP", $"{i}->kube-api:6443/TCP" }),
            .. new[] { "poll", "worker", "result", "migrate", "redis", "postgres", "postgres-replica", "neighbour" }.SelectMany(p => new[] { $"{p}->dns:53/UDP", $"{p}->dns:53/TCP" }),
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), AllowedFlows(policies, pods));
    }

    /// <summary>Pods outside the app's namespace, as the Helm chart and the cluster label them, and a neighbour inside it.</summary>
    private static void AddOutsiders(List<Pod> pods)
    {
        pods.Add(new("traefik", "traefik", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "traefik", ["app.kubernetes.io/instance"] = "traefik-traefik" }, [(8000, "TCP", "web"), (8443, "TCP", "websecure")]));
        pods.Add(new("dns", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, [(53, "UDP", "dns"), (53, "TCP", "dns-tcp")]));
        pods.Add(new("stranger", "default", new Dictionary<string, string> { ["app"] = "stranger" }, [(8080, "TCP", "http")]));
        pods.Add(new("traefik-elsewhere", "default", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "traefik" }, [(8000, "TCP", "web")]));
        // Prometheus as deploy/monitoring/prometheus and kube-prometheus-stack label it, and an impostor elsewhere.
        pods.Add(new("prometheus", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus", ["app.kubernetes.io/component"] = "server" }, [(9090, "TCP", "web")]));
        pods.Add(new("prometheus-elsewhere", "default", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" }, [(9090, "TCP", "web")]));
        pods.Add(new("neighbour", "voting", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "something-else" }, [(8080, "TCP", "http")]));
    }

    /// <summary>The overlay's own pods, each with the ports its containers declare (the migrate Job as "migrate").</summary>
    private static List<Pod> AppPods(RenderedOverlay o) => o.Workloads().Select(w => new Pod(
            w.Kind == "Job" ? "migrate" : w.Name,
            w.Namespace,
            w.PodLabels,
            [.. w.Pod.Containers.SelectMany(c => c.Ports ?? []).Select(p => (p.ContainerPort, p.Protocol ?? "TCP", (string?)p.Name))]))
        .ToList();

    private static List<string> AllowedFlows(List<V1NetworkPolicy> policies, List<Pod> pods)
    {
        var allowed = new List<string>();
        foreach (var src in pods)
        {
            foreach (var dst in pods.Where(d => d != src))
            {
                var ports = dst.Ports.Concat(ProbePorts().Where(p => !dst.Ports.Any(d => d.Port == p.Item1 && d.Protocol == p.Item2)));
                foreach (var (port, protocol, name) in ports)
                {
                    if (Allows(policies, src, dst, port, protocol, name))
                    {
                        allowed.Add($"{src.Name}->{dst.Name}:{port}/{protocol}");
                    }
                }
            }
        }

        // Flows between two pods outside the app's namespace are not the app's business.
        return allowed.Where(f => !IsOutside(f.Split("->")[0]) || !IsOutside(f.Split("->")[1].Split(':')[0])).Order(StringComparer.Ordinal).ToList();
    }

    public static TheoryData<string> MonitoringVariants => ["deploy/monitoring/prometheus", "deploy/monitoring/kube-prometheus-stack"];

    /// <summary>Into cAdvisor only Prometheus; into the plain Prometheus only its own namespace (Grafana, prometheus-adapter).</summary>
    [Theory]
    [MemberData(nameof(MonitoringVariants))]
    public void Monitoring_policies_let_exactly_prometheus_into_cadvisor_and_its_neighbours_into_prometheus(string dir)
    {
        var policies = Monitoring.MonitoringRepo.Render(dir).OfType<V1NetworkPolicy>().ToList();
        var cadvisor = RenderedOverlay.Load("deploy/cadvisor/base").Workloads().Single();
        var server = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus", ["app.kubernetes.io/component"] = "server" };
        var pods = new List<Pod>
        {
            new("cadvisor", cadvisor.Namespace, cadvisor.PodLabels, [.. cadvisor.Pod.Containers.SelectMany(c => c.Ports ?? []).Select(p => (p.ContainerPort, p.Protocol ?? "TCP", (string?)p.Name))]),
            new("prometheus", "monitoring", server, [(9090, "TCP", "web")]),
            new("grafana", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "grafana" }, [(3000, "TCP", "http")]),
            new("adapter", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus-adapter" }, [(6443, "TCP", "https")]),
            new("prometheus-elsewhere", "default", server, [(9090, "TCP", "web")]),
            new("poll", "voting", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "voting", ["app.kubernetes.io/component"] = "poll" }, [(8080, "TCP", "http")]),
        };
        // kube-prometheus-stack's own Prometheus is guarded by its chart, not by these files.
        var plain = dir.EndsWith("/prometheus", StringComparison.Ordinal);
        string[] guarded = plain ? ["cadvisor", "prometheus"] : ["cadvisor"];
        var allowed = new List<string>();
        foreach (var src in pods)
        {
            foreach (var dst in pods.Where(d => d != src && guarded.Contains(d.Name)))
            {
                var probe = dst.Ports.Any(p => p.Port == 8080) ? [] : new[] { (8080, "TCP", (string?)null) };
                foreach (var (port, protocol, name) in dst.Ports.Concat(probe))
                {
                    if (Allows(policies, src, dst, port, protocol, name))
                    {
                        allowed.Add($"{src.Name}->{dst.Name}:{port}/{protocol}");
                    }
                }
            }
        }
        string[] expected = plain
            ? ["adapter->prometheus:9090/TCP", "grafana->prometheus:9090/TCP", "prometheus->cadvisor:8080/TCP"]
            : ["prometheus->cadvisor:8080/TCP"];
        Assert.Equal(expected, allowed.Order(StringComparer.Ordinal));
    }

    private static bool IsOutside(string pod) => pod is "traefik" or "dns" or "stranger" or "traefik-elsewhere" or "prometheus" or "prometheus-elsewhere"
        or "cnpg-operator" or "object-storage" or "kube-api";

    // Other ports a pod may listen on, to catch a policy that allows too wide a port range.
    private static IEnumerable<(int, string, string?)> ProbePorts() => [(8080, "TCP", null), (6379, "TCP", null), (5432, "TCP", null)];

    private static bool Allows(List<V1NetworkPolicy> policies, Pod src, Pod dst, int port, string protocol, string? portName)
    {
        var egress = policies.Where(p => p.Metadata.NamespaceProperty == src.Namespace && Selectors.Matches(p.Spec.PodSelector, src.Labels) && (p.Spec.PolicyTypes?.Contains("Egress") ?? p.Spec.Egress is not null)).ToList();
        var ingress = policies.Where(p => p.Metadata.NamespaceProperty == dst.Namespace && Selectors.Matches(p.Spec.PodSelector, dst.Labels) && (p.Spec.PolicyTypes?.Contains("Ingress") ?? true)).ToList();
        var egressOk = egress.Count == 0 || egress.Any(p => (p.Spec.Egress ?? []).Any(r => PeersMatch(r.To, p.Metadata.NamespaceProperty, dst) && PortsMatch(r.Ports, port, protocol, portName)));
        var ingressOk = ingress.Count == 0 || ingress.Any(p => (p.Spec.Ingress ?? []).Any(r => PeersMatch(r.FromProperty, p.Metadata.NamespaceProperty, src) && PortsMatch(r.Ports, port, protocol, portName)));
        return egressOk && ingressOk;
    }

    private static bool PeersMatch(IList<V1NetworkPolicyPeer>? peers, string policyNamespace, Pod other)
    {
        if (peers is null || peers.Count == 0)
        {
            return true; // no "to"/"from": every peer
        }

        var nsLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = other.Namespace };
        return peers.Any(peer =>
        {
            if (peer.IpBlock is not null)
            {
                return false; // pods are not addressed by IP blocks in these policies
            }

            var nsOk = peer.NamespaceSelector is null ? other.Namespace == policyNamespace : Selectors.Matches(peer.NamespaceSelector, nsLabels) || IsEmpty(peer.NamespaceSelector);
            var podOk = peer.PodSelector is null || IsEmpty(peer.PodSelector) || Selectors.Matches(peer.PodSelector, other.Labels);
            return nsOk && podOk;
        });
    }

    private static bool IsEmpty(V1LabelSelector s) => (s.MatchLabels?.Count ?? 0) == 0 && (s.MatchExpressions?.Count ?? 0) == 0;

    private static bool PortsMatch(IList<V1NetworkPolicyPort>? ports, int port, string protocol, string? portName)
    {
        if (ports is null || ports.Count == 0)
        {
            return true;
        }

        return ports.Any(p =>
        {
            if ((p.Protocol ?? "TCP") != protocol)
            {
                return false;
            }

            if (p.Port is null)
            {
                return true;
            }

            if (int.TryParse(p.Port.Value, out var n))
            {
                return p.EndPort is { } end ? port >= n && port <= end : port == n;
            }

            return p.Port.Value == portName;
        });
    }
}

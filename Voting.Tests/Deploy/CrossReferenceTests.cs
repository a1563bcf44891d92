using System.Text.RegularExpressions;
using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>The rendered objects refer to each other, and to the app, correctly.</summary>
public sealed partial class CrossReferenceTests
{
    public static TheoryData<string> AppOverlays => [.. DeployRepo.AppOverlays];

    public static TheoryData<string> AllDirectories => [.. DeployRepo.KustomizeDirectories];

    public static TheoryData<string> ProductionOverlays => [.. DeployRepo.ProductionOverlays];

    private static readonly string[] Roles = ["poll", "worker", "result"];

    [Theory]
    [MemberData(nameof(AllDirectories))]
    public void Workload_selectors_match_their_own_pod_labels(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var d in o.OfType<V1Deployment>())
        {
            Assert.True(Selectors.Matches(d.Spec.Selector, d.Spec.Template.Metadata.Labels), $"{dir}: Deployment {d.Metadata.Name}");
        }

        foreach (var s in o.OfType<V1StatefulSet>())
        {
            Assert.True(Selectors.Matches(s.Spec.Selector, s.Spec.Template.Metadata.Labels), $"{dir}: StatefulSet {s.Metadata.Name}");
            // The governing Service gives each pod its DNS name: it must be headless.
            var governing = o.OfType<V1Service>().SingleOrDefault(svc => svc.Metadata.Name == s.Spec.ServiceName);
            Assert.True(governing is not null, $"{dir}: StatefulSet {s.Metadata.Name} names Service {s.Spec.ServiceName}, which does not exist");
            Assert.True(governing!.Spec.ClusterIP == "None", $"{dir}: StatefulSet {s.Metadata.Name}'s Service {governing.Metadata.Name} is not headless (clusterIP: None)");
            Assert.True(Selectors.Matches(governing.Spec.Selector, s.Spec.Template.Metadata.Labels), $"{dir}: {governing.Metadata.Name} does not select {s.Metadata.Name}'s pods");
        }

        foreach (var ds in o.OfType<V1DaemonSet>())
        {
            Assert.True(Selectors.Matches(ds.Spec.Selector, ds.Spec.Template.Metadata.Labels), $"{dir}: DaemonSet {ds.Metadata.Name}");
        }

        // Two workloads whose pods one selector cannot tell apart would share Services and budgets.
        var workloads = o.Workloads().Where(w => w.Kind != "Job").ToList();
        foreach (var d in o.OfType<V1Deployment>())
        {
            var selected = workloads.Where(w => Selectors.Matches(d.Spec.Selector, w.PodLabels)).ToList();
            Assert.True(selected.Count == 1, $"{dir}: Deployment {d.Metadata.Name}'s selector matches {string.Join(", ", selected)}");
        }
    }

    [Theory]
    [MemberData(nameof(AllDirectories))]
    public void Services_select_one_workload_and_target_a_container_port(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var svc in o.OfType<V1Service>())
        {
            var ns = svc.Metadata.NamespaceProperty;
            var targets = o.Workloads().Where(w => w.Namespace == ns && Selectors.Matches(svc.Spec.Selector, w.PodLabels)).ToList();
            Assert.True(targets.Count == 1, $"{dir}: Service {svc.Metadata.Name} selects {targets.Count} workloads");
            var ports = targets[0].Pod.Containers.SelectMany(c => c.Ports ?? []).ToList();
            foreach (var p in svc.Spec.Ports)
            {
                var target = p.TargetPort?.Value ?? p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(
                    ports.Any(cp => cp.Name == target || cp.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == target),
                    $"{dir}: Service {svc.Metadata.Name} port {p.Port} targets {target}, which {targets[0]} does not expose");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void Budgets_autoscalers_and_policies_select_something(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var pods = o.Workloads().ToList();
        foreach (var pdb in o.OfType<V1PodDisruptionBudget>())
        {
            Assert.True(pods.Count(w => Selectors.Matches(pdb.Spec.Selector, w.PodLabels)) == 1, $"{dir}: PodDisruptionBudget {pdb.Metadata.Name}");
        }

        foreach (var hpa in o.OfType<V2HorizontalPodAutoscaler>())
        {
            var target = hpa.Spec.ScaleTargetRef;
            Assert.Equal("Deployment", target.Kind);
            Assert.Contains(o.OfType<V1Deployment>(), d => d.Metadata.Name == target.Name);
        }

        foreach (var np in o.OfType<V1NetworkPolicy>())
        {
            var selected = pods.Where(w => w.Namespace == np.Metadata.NamespaceProperty && Selectors.Matches(np.Spec.PodSelector, w.PodLabels)).ToList();
            var selectsAll = (np.Spec.PodSelector.MatchLabels?.Count ?? 0) == 0 && (np.Spec.PodSelector.MatchExpressions?.Count ?? 0) == 0;
            // CloudNativePG's instance pods are made by its operator, labelled cnpg.io/cluster.
            var selectsCluster = o.OfType<CnpgCluster>().Any(c => Selectors.Matches(np.Spec.PodSelector, new Dictionary<string, string> { ["cnpg.io/cluster"] = c.Metadata.Name }));
            Assert.True(selectsAll || selectsCluster || selected.Count > 0, $"{dir}: NetworkPolicy {np.Metadata.Name} selects no pod");
        }
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void IngressRoute_sends_result_paths_to_result_with_a_sticky_cookie_and_the_rest_to_poll(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var route = Assert.Single(o.OfType<IngressRoute>());
        var spec = route.Spec!;
        Assert.NotEmpty(spec.EntryPoints ?? []);
        var services = o.OfType<V1Service>().ToList();
        var middlewares = o.OfType<Middleware>().Select(m => m.Metadata.Name).ToHashSet();

        foreach (var r in spec.Routes)
        {
            Assert.Equal("Rule", r.Kind);
            foreach (var m in r.Middlewares ?? [])
            {
                Assert.True(m.Namespace is null || m.Namespace == route.Metadata.NamespaceProperty, $"{dir}: middleware {m.Name} in another namespace");
                Assert.Contains(m.Name, middlewares);
            }

            foreach (var s in r.Services)
            {
                Assert.True(s.Kind is null or "Service", $"{dir}: route service kind {s.Kind}");
                var svc = services.SingleOrDefault(x => x.Metadata.Name == s.Name && x.Metadata.NamespaceProperty == route.Metadata.NamespaceProperty);
                Assert.True(svc is not null, $"{dir}: IngressRoute sends to Service {s.Name}, which does not exist");
                var port = s.Port?.Value;
                Assert.True(svc!.Spec.Ports.Any(p => p.Name == port || p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == port),
                    $"{dir}: Service {s.Name} has no port {port}");
            }
        }

        var resultRoute = Assert.Single(spec.Routes, r => r.Services.Any(s => s.Name == "result"));
        var pollRoute = Assert.Single(spec.Routes, r => r.Services.Any(s => s.Name == "poll"));
        Assert.Equal(["/api/results", "/hubs", "/results"], PathPrefixes(resultRoute.Match).Order(StringComparer.Ordinal));
        Assert.Equal(["/"], PathPrefixes(pollRoute.Match));
        Assert.True(resultRoute.Priority > pollRoute.Priority, $"{dir}: result's route must win over poll's catch-all");
        Assert.Equal(Hosts(resultRoute.Match), Hosts(pollRoute.Match));
        var cookie = resultRoute.Services.Single().Sticky?.Cookie;
        Assert.True(cookie is { Name.Length: > 0, HttpOnly: true }, $"{dir}: result needs a sticky cookie for SignalR");
        Assert.Null(pollRoute.Services.Single().Sticky);
        foreach (var name in new[] { "rate-limit", "security-headers", "compress" })
        {
            Assert.Contains(resultRoute.Middlewares ?? [], m => m.Name == name);
            Assert.Contains(pollRoute.Middlewares ?? [], m => m.Name == name);
        }

        var rateLimit = o.Get<Middleware>("rate-limit").Spec!.RateLimit;
        Assert.True(rateLimit is { Average: > 0, Burst: > 0 }, $"{dir}: rate-limit middleware");
        Assert.NotNull(o.Get<Middleware>("security-headers").Spec!.Headers);
        Assert.NotNull(o.Get<Middleware>("compress").Spec!.Compress);
        if (DeployRepo.ProductionOverlays.Contains(dir))
        {
            Assert.Equal(["websecure"], spec.EntryPoints);
            Assert.NotNull(spec.Tls);
            Assert.True(cookie!.Secure, $"{dir}: the sticky cookie must be Secure over HTTPS");
            Assert.NotEmpty(Hosts(pollRoute.Match));
            Assert.True(o.Get<Middleware>("security-headers").Spec!.Headers!.StsSeconds > 0);
        }
    }

    [GeneratedRegex(@"PathPrefix\(`([^`]*)`\)")]
    private static partial Regex PathPrefixRegex();

    [GeneratedRegex(@"Host\(`([^`]*)`\)")]
    private static partial Regex HostRegex();

    private static List<string> PathPrefixes(string match) => [.. PathPrefixRegex().Matches(match).Select(m => m.Groups[1].Value)];

    private static List<string> Hosts(string match) => [.. HostRegex().Matches(match).Select(m => m.Groups[1].Value)];

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void Roles_run_with_arguments_the_app_parses_and_probes_it_serves(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var deployments = o.OfType<V1Deployment>().Where(d => d.Spec.Template.Spec.Containers.Any(c => RenderedOverlay.IsAppImage(c.Image))).ToList();
        Assert.Equal(Roles.Order(StringComparer.Ordinal), deployments.Select(d => d.Metadata.Name).Order(StringComparer.Ordinal));
        foreach (var d in deployments)
        {
            var c = Assert.Single(d.Spec.Template.Spec.Containers);
            Assert.Null(c.Command); // the image's entrypoint, /app/voting
            var args = (c.Args ?? []).ToArray();
            var parse = Voting.Host.VotingCommandLine.Parse(args);
            Assert.True(parse.Errors.Count == 0, $"{dir}: {d.Metadata.Name} args [{string.Join(' ', args)}]: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            var roleIndex = Array.IndexOf(args, "--role");
            Assert.True(roleIndex >= 0 && roleIndex + 1 < args.Length, $"{dir}: {d.Metadata.Name} names no --role");
            Assert.True(Voting.Host.RoleSet.TryParse(args[roleIndex + 1], out _, out var error), $"{dir}: {d.Metadata.Name}: {error}");
            Assert.Equal(d.Metadata.Name, args[roleIndex + 1]);

            var env = o.ResolveEnvironment(d.Metadata.NamespaceProperty, c).ToDictionary(e => e.Name, e => e.Value);
            var port = Assert.Single(c.Ports);
            Assert.Equal(8080, port.ContainerPort);
            Assert.Equal("8080", env.GetValueOrDefault("ASPNETCORE_HTTP_PORTS"));
            AssertProbe(dir, d.Metadata.Name, "startup", c.StartupProbe, "/healthz", port);
            AssertProbe(dir, d.Metadata.Name, "liveness", c.LivenessProbe, "/healthz", port);
            AssertProbe(dir, d.Metadata.Name, "readiness", c.ReadinessProbe, "/readyz", port);
        }

        var job = Assert.Single(o.OfType<V1Job>());
        var jc = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal(["migrate"], jc.Args);
        var jobParse = Voting.Host.VotingCommandLine.Parse([.. jc.Args]);
        Assert.True(jobParse.Errors.Count == 0, string.Join("; ", jobParse.Errors.Select(e => e.Message)));
        Assert.Equal(deployments[0].Spec.Template.Spec.Containers[0].Image, jc.Image);
        Assert.All(deployments, d => Assert.Equal(jc.Image, d.Spec.Template.Spec.Containers[0].Image));
    }

    private static void AssertProbe(string dir, string role, string kind, V1Probe? probe, string path, V1ContainerPort port)
    {
        Assert.True(probe?.HttpGet is not null, $"{dir}: {role} has no {kind} HTTP probe");
        Assert.Equal(path, probe!.HttpGet.Path);
        var p = probe.HttpGet.Port.Value;
        Assert.True(p == port.Name || p == port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{dir}: {role} {kind} probe port {p}");
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void Every_environment_variable_of_the_app_is_a_setting_it_reads(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var known = Voting.Host.SettingKeys.All.ToHashSet(StringComparer.Ordinal);
        foreach (var w in o.AppWorkloads())
        {
            foreach (var c in w.Pod.Containers)
            {
                var env = o.ResolveEnvironment(w.Namespace, c);
                // Variables only there to be put into another by the kubelet ($(NAME)) are not settings,
                // nor are the .NET runtime's own (DOTNET_GCHeapHardLimitPercent: MemoryTests).
                var inputs = RenderedOverlay.ExpansionInputs(c);
                foreach (var (name, _) in env.Where(e => !inputs.Contains(e.Name) && !e.Name.StartsWith("DOTNET_", StringComparison.Ordinal)))
                {
                    Assert.True(known.Contains(name), $"{dir}: {w} sets {name}, which Voting.Host.SettingKeys.All does not list");
                }

                Assert.All(env, e => Assert.DoesNotContain("$(", e.Value, StringComparison.Ordinal));

                var names = env.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
                Assert.Contains("ConnectionStrings__Postgres", names);
                var role = w.Kind == "Job" ? "migrate" : w.Name;
                if (w.Kind == "CronJob")
                {
                    continue;
                }

                Assert.Equal(role is "poll" or "worker", names.Contains("ConnectionStrings__Redis"));
                if (role == "poll")
                {
                    var token = env.Single(e => e.Name == "Voting__AdminToken").Value;
                    Assert.True(token.Length >= 32, $"{dir}: the admin token must have 32 or more characters");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllDirectories))]
    public void Referenced_secrets_config_maps_and_keys_exist(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var w in o.Workloads())
        {
            foreach (var c in w.Pod.Containers.Concat(w.Pod.InitContainers ?? []))
            {
                _ = o.ResolveEnvironment(w.Namespace, c); // throws on a missing object or key
            }

            foreach (var v in w.Pod.Volumes ?? [])
            {
                if (v.Secret is { } s)
                {
                    _ = o.Secret(w.Namespace, s.SecretName);
                }

                if (v.ConfigMap is { } cm)
                {
                    _ = o.ConfigMap(w.Namespace, cm.Name);
                }
            }

            foreach (var c in w.Pod.Containers)
            {
                foreach (var m in c.VolumeMounts ?? [])
                {
                    Assert.True((w.Pod.Volumes ?? []).Any(v => v.Name == m.Name) || w.ClaimNames.Contains(m.Name), $"{dir}: {w}/{c.Name} mounts {m.Name}, which is no volume");
                }
            }
        }

        foreach (var cluster in o.OfType<CnpgCluster>())
        {
            var secretName = cluster.Spec!.Bootstrap!.Initdb!.Secret!.Name;
            var data = RenderedOverlay.SecretData(o.Secret(cluster.Metadata.NamespaceProperty, secretName));
            Assert.True(data.ContainsKey("username") && data.ContainsKey("password"), $"{dir}: {secretName} needs username and password");
            Assert.Equal(cluster.Spec.Bootstrap.Initdb.Owner, data["username"]);
        }
    }

    [Theory]
    [MemberData(nameof(AllDirectories))]
    public void Every_image_is_pinned(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var images = o.Workloads().SelectMany(w => w.Pod.Containers.Concat(w.Pod.InitContainers ?? []).Select(c => (w, c.Image)))
            .Concat(o.OfType<CnpgCluster>().Select(c => ((Workload)null!, c.Spec!.ImageName ?? "")));
        foreach (var (w, image) in images)
        {
            Assert.DoesNotContain(":latest", image, StringComparison.Ordinal);
            var lastSegment = image.Split('/')[^1];
            Assert.True(lastSegment.Contains('@', StringComparison.Ordinal) || lastSegment.Contains(':', StringComparison.Ordinal), $"{dir}: {w} image {image} has no tag");
            var tag = lastSegment.Split('@')[0].Split(':').ElementAtOrDefault(1) ?? "";
            Assert.Matches(@"^v?\d+\.\d+(\.\d+)?", tag);
        }
    }

    [Theory]
    [MemberData(nameof(AllDirectories))]
    public void Labels_are_legal_and_follow_app_kubernetes_io(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var legal = new Regex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
        foreach (var obj in o.OfType<k8s.IKubernetesObject<V1ObjectMeta>>())
        {
            var labels = obj.Metadata.Labels ?? new Dictionary<string, string>();
            Assert.True(labels.ContainsKey("app.kubernetes.io/part-of"), $"{dir}: {obj.Kind}/{obj.Metadata.Name} has no app.kubernetes.io/part-of");
            foreach (var (k, v) in labels)
            {
                Assert.True(v.Length <= 63 && legal.IsMatch(v), $"{dir}: {obj.Kind}/{obj.Metadata.Name} label {k}={v} is not a legal value");
            }
        }

        foreach (var w in o.Workloads())
        {
            Assert.True(w.PodLabels.ContainsKey("app.kubernetes.io/name"), $"{dir}: {w} pods have no app.kubernetes.io/name");
            Assert.True(w.PodLabels.ContainsKey("app.kubernetes.io/component"), $"{dir}: {w} pods have no app.kubernetes.io/component");
            foreach (var (k, v) in w.PodLabels)
            {
                Assert.True(v.Length <= 63 && legal.IsMatch(v), $"{dir}: {w} pod label {k}={v}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void Every_app_object_is_in_the_voting_namespace(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var obj in o.OfType<k8s.IKubernetesObject<V1ObjectMeta>>().Where(x => x is not V1Namespace))
        {
            Assert.True(obj.Metadata.NamespaceProperty == "voting", $"{dir}: {obj.Kind}/{obj.Metadata.Name} is in namespace '{obj.Metadata.NamespaceProperty}'");
        }
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void App_pods_are_restricted_and_shut_down_within_their_grace_period(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var ns = Assert.Single(o.OfType<V1Namespace>(), n => n.Metadata.Name == "voting");
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        foreach (var w in o.Workloads())
        {
            Assert.Equal("voting", w.Namespace);
            var pod = w.Pod;
            Assert.False(pod.AutomountServiceAccountToken ?? true, $"{dir}: {w} mounts a service account token it does not use");
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{dir}: {w} runAsNonRoot");
            Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
            foreach (var c in pod.Containers)
            {
                var sc = c.SecurityContext;
                Assert.True(sc is { AllowPrivilegeEscalation: false, ReadOnlyRootFilesystem: true }, $"{dir}: {w}/{c.Name} security context");
                Assert.Equal(["ALL"], sc!.Capabilities?.Drop);
                Assert.True(sc.Capabilities?.Add is null or { Count: 0 });
                Assert.True(c.Resources?.Requests?.ContainsKey("cpu") == true && c.Resources.Requests.ContainsKey("memory"), $"{dir}: {w}/{c.Name} requests");
                Assert.True(c.Resources?.Limits?.ContainsKey("memory") == true, $"{dir}: {w}/{c.Name} memory limit");
                var tmp = c.VolumeMounts?.SingleOrDefault(m => m.MountPath == "/tmp");
                Assert.True(tmp is not null && pod.Volumes.Single(v => v.Name == tmp.Name).EmptyDir is not null, $"{dir}: {w}/{c.Name} needs an emptyDir on /tmp");
            }
        }

        foreach (var d in o.OfType<V1Deployment>().Where(d => Roles.Contains(d.Metadata.Name)))
        {
            var pod = d.Spec.Template.Spec;
            var c = pod.Containers.Single();
            var preStop = c.Lifecycle?.PreStop?.Sleep?.Seconds;
            Assert.Equal(5, preStop);
            // preStop pause + the app's 20 s host shutdown timeout must fit in the grace period.
            Assert.True(pod.TerminationGracePeriodSeconds >= preStop + 20 + 5, $"{dir}: {d.Metadata.Name} grace period {pod.TerminationGracePeriodSeconds}");
            Assert.Equal(0, int.Parse(d.Spec.Strategy.RollingUpdate.MaxUnavailable.Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [MemberData(nameof(ProductionOverlays))]
    public void Production_runs_two_or_more_of_every_role_spread_across_nodes(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var deployments = o.OfType<V1Deployment>().Where(d => Roles.Contains(d.Metadata.Name)).ToList();
        Assert.Equal(3, deployments.Count);
        var scaled = o.OfType<V2HorizontalPodAutoscaler>().ToDictionary(h => h.Spec.ScaleTargetRef.Name);
        foreach (var d in deployments)
        {
            var least = scaled.TryGetValue(d.Metadata.Name, out var hpa) ? hpa.Spec.MinReplicas : d.Spec.Replicas;
            Assert.True(least >= 2, $"{dir}: {d.Metadata.Name} runs as few as {least} replicas");
            var pod = d.Spec.Template.Spec;
            Assert.Null(pod.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
            var spread = pod.TopologySpreadConstraints?.Where(t => t.TopologyKey == "kubernetes.io/hostname").ToList() ?? [];
            var constraint = Assert.Single(spread);
            Assert.Equal(1, constraint.MaxSkew);
            // The selector, with matchLabelKeys filled in from the pod, counts this role's pods only.
            var own = d.Spec.Template.Metadata.Labels;
            Assert.True(Selectors.Matches(constraint.LabelSelector, own), $"{dir}: {d.Metadata.Name}'s spread selector misses its own pods");
            var effective = new Dictionary<string, string>(constraint.LabelSelector.MatchLabels ?? new Dictionary<string, string>());
            foreach (var key in constraint.MatchLabelKeys ?? [])
            {
                if (own.TryGetValue(key, out var v))
                {
                    effective[key] = v;
                }
            }

            foreach (var other in deployments.Where(x => x != d))
            {
                Assert.False(Selectors.Matches(effective, other.Spec.Template.Metadata.Labels), $"{dir}: {d.Metadata.Name}'s spread also counts {other.Metadata.Name}");
            }

            if (constraint.WhenUnsatisfiable == "DoNotSchedule")
            {
                // Otherwise an untainted-but-unschedulable control plane counts as an empty node and blocks scheduling.
                Assert.Equal("Honor", constraint.NodeTaintsPolicy);
            }

            Assert.Single(o.OfType<V1PodDisruptionBudget>(), p => Selectors.Matches(p.Spec.Selector, own));
        }

        var hpas = o.OfType<V2HorizontalPodAutoscaler>().ToDictionary(h => h.Spec.ScaleTargetRef.Name);
        Assert.True(hpas.ContainsKey("poll") && hpas.ContainsKey("result"), $"{dir}: autoscalers for poll and result");
        Assert.All(hpas.Values, h => Assert.True(h.Spec.MinReplicas >= 2));
        Assert.Contains(hpas["result"].Spec.Metrics, m => m.Type != "Resource");
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void Redis_keeps_an_append_only_file_and_never_evicts(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var redis = o.Get<V1StatefulSet>("redis");
        var c = redis.Spec.Template.Spec.Containers.Single();
        // A supported release line (7.0 is end of life): 7.2, 7.4 or 8.x.
        Assert.Matches(@"/redis:(7\.[24]|8\.\d+)\.\d+(-\w+)?$", c.Image);
        var args = string.Join(' ', (c.Command ?? []).Concat(c.Args ?? []));
        Assert.Contains("--appendonly yes", args, StringComparison.Ordinal);
        Assert.Contains("--maxmemory-policy noeviction", args, StringComparison.Ordinal);
        Assert.Matches(@"--maxmemory \d+", args);
        Assert.Contains(redis.Spec.VolumeClaimTemplates, v => c.VolumeMounts.Any(m => m.Name == v.Metadata.Name && m.MountPath == "/data"));
        Assert.NotNull(c.ReadinessProbe);
        Assert.NotNull(c.LivenessProbe);
    }

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void PostgreSQL_keeps_its_data_in_a_subdirectory_of_its_volume_claim(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        if (o.OfType<CnpgCluster>().Any())
        {
            Assert.DoesNotContain(o.OfType<V1StatefulSet>(), s => s.Metadata.Name == "postgres");
            Assert.DoesNotContain(o.OfType<V1Deployment>(), s => s.Metadata.Name == "postgres");
            var cluster = o.OfType<CnpgCluster>().Single();
            Assert.True(cluster.Spec!.Instances >= 3);
            var conn = AppEnvironment(o, "poll")["ConnectionStrings__Postgres"];
            Assert.Contains($"Host={cluster.Metadata.Name}-rw;", conn, StringComparison.Ordinal);
            return;
        }

        var pg = o.Get<V1StatefulSet>("postgres");
        Assert.DoesNotContain(o.OfType<V1Deployment>(), d => d.Metadata.Name == "postgres");
        var c = pg.Spec.Template.Spec.Containers.Single();
        var env = o.ResolveEnvironment("voting", c).ToDictionary(e => e.Name, e => e.Value);
        var claim = Assert.Single(pg.Spec.VolumeClaimTemplates);
        var mount = c.VolumeMounts.Single(m => m.Name == claim.Metadata.Name);
        Assert.StartsWith(mount.MountPath.TrimEnd('/') + "/", env["PGDATA"], StringComparison.Ordinal);
        // The app's connection string and the server's password come from one secret and agree.
        var connection = AppEnvironment(o, "poll")["ConnectionStrings__Postgres"];
        Assert.Contains($"Password={env["POSTGRES_PASSWORD"]};", connection, StringComparison.Ordinal);
        Assert.Contains($"Username={env["POSTGRES_USER"]};", connection, StringComparison.Ordinal);
        Assert.Contains($"Database={env["POSTGRES_DB"]};", connection, StringComparison.Ordinal);
        Assert.Contains("Host=postgres;", connection, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> AppEnvironment(RenderedOverlay o, string deployment)
    {
        var d = o.Get<V1Deployment>(deployment);
        return o.ResolveEnvironment(d.Metadata.NamespaceProperty, d.Spec.Template.Spec.Containers.Single()).ToDictionary(e => e.Name, e => e.Value);
    }

    [Theory]
    [InlineData("deploy/cadvisor/base")]
    [InlineData("deploy/cadvisor/k3s")]
    public void CAdvisor_runs_in_a_privileged_namespace_with_read_only_host_mounts(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var ds = Assert.Single(o.OfType<V1DaemonSet>());
        var ns = Assert.Single(o.OfType<V1Namespace>());
        Assert.Equal(ns.Metadata.Name, ds.Metadata.NamespaceProperty);
        Assert.NotEqual("voting", ns.Metadata.Name);
        Assert.Equal("privileged", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        var pod = ds.Spec.Template.Spec;
        var c = Assert.Single(pod.Containers);
        Assert.Matches(@"^gcr\.io/cadvisor/cadvisor:v0\.\d+\.\d+$", c.Image);
        Assert.Equal("true", ds.Spec.Template.Metadata.Annotations["prometheus.io/scrape"]);
        var port = ds.Spec.Template.Metadata.Annotations["prometheus.io/port"];
        Assert.Contains(c.Ports, p => p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == port);
        foreach (var v in pod.Volumes.Where(v => v.HostPath is not null))
        {
            var m = c.VolumeMounts.Single(x => x.Name == v.Name);
            Assert.True(m.ReadOnlyProperty, $"{dir}: host path {v.HostPath.Path} is mounted writable");
            Assert.NotEqual("/", m.MountPath);
        }

        Assert.Contains(pod.Volumes, v => v.HostPath?.Path == "/" && c.VolumeMounts.Single(m => m.Name == v.Name).MountPath == "/rootfs");
    }
}

using System.Text;
using k8s;
using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>A pod template that some object runs: a Deployment, StatefulSet, DaemonSet or Job.</summary>
internal sealed record Workload(string Kind, string Name, string Namespace, V1PodTemplateSpec Template, int? Replicas)
{
    /// <summary>A StatefulSet's volume claim templates, which its containers mount by name.</summary>
    public IReadOnlyList<string> ClaimNames { get; init; } = [];

    public IDictionary<string, string> PodLabels => Template.Metadata?.Labels ?? new Dictionary<string, string>();

    public V1PodSpec Pod => Template.Spec;

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>One kustomize directory rendered and parsed strictly into typed objects.</summary>
internal sealed partial class RenderedOverlay
{
    private static readonly Dictionary<string, RenderedOverlay> Cache = new(StringComparer.Ordinal);
    private static readonly Lock CacheLock = new();

    public static readonly Dictionary<string, Type> CustomTypes = new(StringComparer.Ordinal)
    {
        ["traefik.io/v1alpha1/IngressRoute"] = typeof(IngressRoute),
        ["traefik.io/v1alpha1/Middleware"] = typeof(Middleware),
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(CnpgCluster),
        ["monitoring.coreos.com/v1/PodMonitor"] = typeof(PodMonitor),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule),
        ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject),
        ["keda.sh/v1alpha1/TriggerAuthentication"] = typeof(TriggerAuthentication),
        ["postgresql.cnpg.io/v1/ScheduledBackup"] = typeof(CnpgScheduledBackup),
        ["barmancloud.cnpg.io/v1/ObjectStore"] = typeof(BarmanObjectStore),
    };

    private RenderedOverlay(string dir, string yaml, IReadOnlyList<object> objects)
    {
        Dir = dir;
        Yaml = yaml;
        Objects = objects;
    }

    public string Dir { get; }

    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public static RenderedOverlay Load(string dir)
    {
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(dir, out var overlay))
            {
                var yaml = DeployRepo.Render(dir);
                overlay = new RenderedOverlay(dir, yaml, Parse(yaml));
                Cache[dir] = overlay;
            }

            return overlay;
        }
    }

    /// <summary>Strict: an unknown field anywhere (built-in or custom kind) throws.</summary>
    public static List<object> Parse(string yaml) => KubernetesYaml.LoadAllFromString(yaml, CustomTypes, strict: true);

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    public T Get<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        OfType<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Dir}: no {typeof(T).Name} named {name}");

    public IEnumerable<Workload> Workloads()
    {
        foreach (var d in OfType<V1Deployment>())
        {
            yield return new("Deployment", d.Metadata.Name, d.Metadata.NamespaceProperty ?? "default", d.Spec.Template, d.Spec.Replicas ?? 1);
        }

        foreach (var s in OfType<V1StatefulSet>())
        {
            yield return new("StatefulSet", s.Metadata.Name, s.Metadata.NamespaceProperty ?? "default", s.Spec.Template, s.Spec.Replicas ?? 1)
            {
                ClaimNames = [.. (s.Spec.VolumeClaimTemplates ?? []).Select(v => v.Metadata.Name)],
            };
        }

        foreach (var d in OfType<V1DaemonSet>())
        {
            yield return new("DaemonSet", d.Metadata.Name, d.Metadata.NamespaceProperty ?? "default", d.Spec.Template, null);
        }

        foreach (var j in OfType<V1Job>())
        {
            yield return new("Job", j.Metadata.Name, j.Metadata.NamespaceProperty ?? "default", j.Spec.Template, 1);
        }

        foreach (var c in OfType<V1CronJob>())
        {
            yield return new("CronJob", c.Metadata.Name, c.Metadata.NamespaceProperty ?? "default", c.Spec.JobTemplate.Spec.Template, 1);
        }
    }

    /// <summary>Deployments and the Job that run the app's image.</summary>
    public IEnumerable<Workload> AppWorkloads() =>
        Workloads().Where(w => w.Pod.Containers.Any(c => IsAppImage(c.Image)));

    public static bool IsAppImage(string image) =>
        image.Split('@')[0].Split(':')[0].EndsWith("/voting", StringComparison.Ordinal)
        || image.Split(':')[0] == "voting";

    /// <summary>
    /// The environment a container gets: env entries and envFrom sources, resolved, with the
    /// kubelet's $(NAME) references to earlier variables expanded ($$ is a literal $).
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> ResolveEnvironment(string ns, V1Container container)
    {
        var result = new List<(string Name, string Value)>();
        foreach (var from in container.EnvFrom ?? [])
        {
            if (from.ConfigMapRef is { } cmRef)
            {
                var cm = ConfigMap(ns, cmRef.Name);
                result.AddRange(cm.Data.Select(kv => ((from.Prefix ?? "") + kv.Key, kv.Value)));
            }

            if (from.SecretRef is { } sRef)
            {
                var secret = Secret(ns, sRef.Name);
                result.AddRange(SecretData(secret).Select(kv => ((from.Prefix ?? "") + kv.Key, kv.Value)));
            }
        }

        foreach (var env in container.Env ?? [])
        {
            string value;
            if (env.ValueFrom?.SecretKeyRef is { } sk)
            {
                var data = SecretData(Secret(ns, sk.Name));
                value = data.TryGetValue(sk.Key, out var v)
                    ? v
                    : throw new Xunit.Sdk.XunitException($"{Dir}: Secret {sk.Name} has no key {sk.Key} (env {env.Name})");
            }
            else if (env.ValueFrom?.ConfigMapKeyRef is { } ck)
            {
                var cm = ConfigMap(ns, ck.Name);
                value = cm.Data is not null && cm.Data.TryGetValue(ck.Key, out var v)
                    ? v
                    : throw new Xunit.Sdk.XunitException($"{Dir}: ConfigMap {ck.Name} has no key {ck.Key} (env {env.Name})");
            }
            else if (env.ValueFrom is not null)
            {
                throw new Xunit.Sdk.XunitException($"{Dir}: env {env.Name} uses a valueFrom these checks do not resolve");
            }
            else
            {
                value = Expand(env.Value ?? "", result);
            }

            result.RemoveAll(e => e.Name == env.Name);
            result.Add((env.Name, value));
        }

        return result;
    }

    /// <summary>Names that some env value refers to as $(NAME): inputs to the kubelet's expansion.</summary>
    public static IReadOnlySet<string> ExpansionInputs(V1Container container) =>
        (container.Env ?? []).SelectMany(e => ReferenceRegex().Matches(e.Value ?? "").Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

    private static string Expand(string value, List<(string Name, string Value)> defined) =>
        ReferenceRegex().Replace(value, m => m.Value.StartsWith("$$", StringComparison.Ordinal)
            ? m.Value[1..]
            : defined.LastOrDefault(d => d.Name == m.Groups[1].Value) is { Name: not null } d ? d.Value : m.Value);

    [System.Text.RegularExpressions.GeneratedRegex(@"\$?\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial System.Text.RegularExpressions.Regex ReferenceRegex();

    public V1ConfigMap ConfigMap(string ns, string name) =>
        OfType<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == name && (c.Metadata.NamespaceProperty ?? "default") == ns)
        ?? throw new Xunit.Sdk.XunitException($"{Dir}: no ConfigMap {ns}/{name}");

    public V1Secret Secret(string ns, string name) =>
        OfType<V1Secret>().SingleOrDefault(c => c.Metadata.Name == name && (c.Metadata.NamespaceProperty ?? "default") == ns)
        ?? throw new Xunit.Sdk.XunitException($"{Dir}: no Secret {ns}/{name}");

    public static Dictionary<string, string> SecretData(V1Secret secret)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in secret.Data ?? new Dictionary<string, byte[]>())
        {
            data[kv.Key] = Encoding.UTF8.GetString(kv.Value);
        }

        foreach (var kv in secret.StringData ?? new Dictionary<string, string>())
        {
            data[kv.Key] = kv.Value;
        }

        return data;
    }
}

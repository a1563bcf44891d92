using YamlDotNet.Serialization;

#pragma warning disable CA2227, CA1002 // Deserialization targets: settable collections, List<T>.

namespace Voting.Tests.Monitoring;

/// <summary>Prometheus's kubernetes_sd_config (discovery/kubernetes/kubernetes.go, SDConfig), the fields a config may use without an API server URL.</summary>
internal sealed class KubernetesSdConfig
{
    [YamlMember(Alias = "role")] public string Role { get; set; } = "";
    [YamlMember(Alias = "namespaces")] public KubernetesSdNamespaces? Namespaces { get; set; }
    [YamlMember(Alias = "selectors")] public List<KubernetesSdSelector>? Selectors { get; set; }
    [YamlMember(Alias = "attach_metadata")] public KubernetesSdAttachMetadata? AttachMetadata { get; set; }
}

internal sealed class KubernetesSdNamespaces
{
    [YamlMember(Alias = "names")] public List<string>? Names { get; set; }
    [YamlMember(Alias = "own_namespace")] public bool? OwnNamespace { get; set; }
}

internal sealed class KubernetesSdSelector
{
    [YamlMember(Alias = "role")] public string Role { get; set; } = "";
    [YamlMember(Alias = "label")] public string? Label { get; set; }
    [YamlMember(Alias = "field")] public string? Field { get; set; }
}

internal sealed class KubernetesSdAttachMetadata
{
    [YamlMember(Alias = "node")] public bool? Node { get; set; }
}

/// <summary>A rule group of a Prometheus rules file (rulefmt), to compare with a PrometheusRule's.</summary>
internal sealed class PrometheusRuleGroupYaml
{
    [YamlMember(Alias = "name")] public string Name { get; set; } = "";
    [YamlMember(Alias = "interval")] public string? Interval { get; set; }
    [YamlMember(Alias = "rules")] public List<PrometheusRuleYaml> Rules { get; set; } = [];
}

internal sealed class PrometheusRuleYaml
{
    [YamlMember(Alias = "record")] public string? Record { get; set; }
    [YamlMember(Alias = "alert")] public string? Alert { get; set; }
    [YamlMember(Alias = "expr")] public string Expr { get; set; } = "";
    [YamlMember(Alias = "for")] public string? For { get; set; }
    [YamlMember(Alias = "labels")] public Dictionary<string, string>? Labels { get; set; }
    [YamlMember(Alias = "annotations")] public Dictionary<string, string>? Annotations { get; set; }
}

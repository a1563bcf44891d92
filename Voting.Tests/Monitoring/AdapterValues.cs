using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

#pragma warning disable CA2227, CA1002 // Deserialization targets: settable collections, List<T>.

namespace Voting.Tests.Monitoring;

// deploy/monitoring/adapter/values.yaml as the prometheus-adapter chart reads it (prometheus.*,
// rules.*), and each rule in the adapter's own format, written from kubernetes-sigs/prometheus-adapter
// v0.12.0 pkg/config/config.go and docs/config.md. YamlDotNet throws on a field the model lacks.

internal sealed class AdapterChartValues
{
    [YamlMember(Alias = "prometheus")] public AdapterPrometheus Prometheus { get; set; } = new();
    [YamlMember(Alias = "rules")] public AdapterChartRules Rules { get; set; } = new();
}

internal sealed class AdapterPrometheus
{
    [YamlMember(Alias = "url")] public string Url { get; set; } = "";
    [YamlMember(Alias = "port")] public int Port { get; set; }
    [YamlMember(Alias = "path")] public string? Path { get; set; }
}

internal sealed class AdapterChartRules
{
    [YamlMember(Alias = "default")] public bool Default { get; set; } = true;
    [YamlMember(Alias = "custom")] public List<AdapterRule> Custom { get; set; } = [];
    [YamlMember(Alias = "external")] public List<AdapterRule>? External { get; set; }
}

internal sealed class AdapterRule
{
    [YamlMember(Alias = "seriesQuery")] public string SeriesQuery { get; set; } = "";
    [YamlMember(Alias = "seriesFilters")] public List<AdapterRegexFilter>? SeriesFilters { get; set; }
    [YamlMember(Alias = "resources")] public AdapterResourceMapping Resources { get; set; } = new();
    [YamlMember(Alias = "name")] public AdapterNameMapping Name { get; set; } = new();
    [YamlMember(Alias = "metricsQuery")] public string MetricsQuery { get; set; } = "";

    /// <summary>The custom-metrics API name a Prometheus series name gets, or null when the rule does not take it.</summary>
    public string? ApiName(string seriesName)
    {
        var matches = new Regex(string.IsNullOrEmpty(Name.Matches) ? ".*" : Name.Matches, RegexOptions.CultureInvariant);
        var match = matches.Match(seriesName);
        if (!match.Success || (SeriesFilters ?? []).Any(f => !f.Accepts(seriesName)))
        {
            return null;
        }
        // The adapter's default for "as": $0 without capture groups, $1 with one.
        var @as = !string.IsNullOrEmpty(Name.As) ? Name.As : match.Groups.Count > 1 ? "$1" : "$0";
        return match.Result(@as);
    }

    /// <summary>The query the adapter sends for the pods given (its metricsQuery template filled in).</summary>
    public string QueryForPods(string ns, IEnumerable<string> pods)
    {
        var podLabel = Resources.Overrides.Single(o => o.Value.Resource == "pod").Key;
        var nsLabel = Resources.Overrides.Single(o => o.Value.Resource == "namespace").Key;
        return MetricsQuery
            .Replace("<<.Series>>", "voting_viewers", StringComparison.Ordinal)
            .Replace("<<.LabelMatchers>>", $"{nsLabel}=\"{ns}\",{podLabel}=~\"{string.Join('|', pods)}\"", StringComparison.Ordinal)
            .Replace("<<.GroupBy>>", podLabel, StringComparison.Ordinal);
    }
}

internal sealed class AdapterRegexFilter
{
    [YamlMember(Alias = "is")] public string? Is { get; set; }
    [YamlMember(Alias = "isNot")] public string? IsNot { get; set; }

    public bool Accepts(string name) =>
        (Is is null || Regex.IsMatch(name, Is, RegexOptions.CultureInvariant)) && (IsNot is null || !Regex.IsMatch(name, IsNot, RegexOptions.CultureInvariant));
}

internal sealed class AdapterResourceMapping
{
    [YamlMember(Alias = "template")] public string? Template { get; set; }
    [YamlMember(Alias = "overrides")] public Dictionary<string, AdapterGroupResource> Overrides { get; set; } = [];
    [YamlMember(Alias = "namespaced")] public bool? Namespaced { get; set; }
}

internal sealed class AdapterGroupResource
{
    [YamlMember(Alias = "group")] public string? Group { get; set; }
    [YamlMember(Alias = "resource")] public string Resource { get; set; } = "";
}

internal sealed class AdapterNameMapping
{
    [YamlMember(Alias = "matches")] public string? Matches { get; set; }
    [YamlMember(Alias = "as")] public string? As { get; set; }
}

internal static class AdapterValuesFile
{
    public static AdapterChartValues Load(string? text = null) =>
        new DeserializerBuilder().Build().Deserialize<AdapterChartValues>(text ?? File.ReadAllText(MonitoringRepo.AdapterValues));
}

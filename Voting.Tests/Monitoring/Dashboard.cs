using System.Text.Json;

namespace Voting.Tests.Monitoring;

/// <summary>The Grafana dashboard's panels and queries (deploy/monitoring/common/voting-dashboard.json).</summary>
internal static class Dashboard
{
    public static JsonElement Load(string? text = null)
    {
        using var doc = JsonDocument.Parse(text ?? File.ReadAllText(MonitoringRepo.Dashboard));
        return doc.RootElement.Clone();
    }

    /// <summary>Every panel but rows, with its title and its queries.</summary>
    public static IReadOnlyList<(string Title, IReadOnlyList<string> Queries)> Panels(JsonElement dashboard) =>
        [.. dashboard.GetProperty("panels").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() != "row")
            .Select(p => (p.GetProperty("title").GetString()!, (IReadOnlyList<string>)[.. p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!)]))];

    /// <summary>A query as Grafana sends it, for one namespace (the dashboard's only variable used in queries).</summary>
    public static string ForNamespace(string query, string ns) => query.Replace("$namespace", ns, StringComparison.Ordinal);
}

using System.Text.RegularExpressions;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Voting.Tests.Deploy;

/// <summary>
/// Traefik's Helm values as the pinned chart checks them (its values
/// schema, over the merge Helm makes of several -f files), and sized for the app.
/// </summary>
public sealed class TraefikValuesTests
{
    private static string Values => File.ReadAllText(DeployRepo.PathOf("deploy/traefik/values.yaml"));

    private static string Production => File.ReadAllText(DeployRepo.PathOf("deploy/traefik/values-production.yaml"));

    private static YamlNode Merged(params string[] files) =>
        files.Select(ValuesSchema.Load).Aggregate((YamlNode?)null, ValuesSchema.Merge)!;

    [Fact]
    public void Values_pass_the_pinned_charts_schema_alone_and_with_the_production_file()
    {
        Assert.Empty(TraefikChartSchema.Schema.Validate(ValuesSchema.Load(Values)));
        Assert.Empty(TraefikChartSchema.Schema.Validate(ValuesSchema.Load(Production)));
        Assert.Empty(TraefikChartSchema.Schema.Validate(Merged(Values, Production)));
    }

    [Fact]
    public void Over_the_charts_own_defaults_the_values_pass_as_they_do_alone()
    {
        // Helm checks the chart's defaults merged with ours. The merge keeps our value wherever we set
        // one, so what we set reaches the schema as the test above checks it, and the rest is the
        // chart's defaults, which pass on their own. Chart 41.3.0's schema has one rule across keys,
        // `required: [namespaces]` under hub. So the merge can refuse what passes alone in two ways
        // only: a null of ours deletes a default (Helm's way of unsetting), or a hub block of ours
        // misses its namespaces. Neither may appear.
        var merged = (YamlMappingNode)Merged(Values, Production);
        Assert.Empty(Nulls(merged, ""));
        Assert.False(merged.Children.ContainsKey("hub"), "hub: settings of Traefik Hub, which the chart requires namespaces for");
    }

    private static IEnumerable<string> Nulls(YamlNode node, string path) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(c => Nulls(c.Value, path.Length == 0 ? ((YamlScalarNode)c.Key).Value! : $"{path}.{((YamlScalarNode)c.Key).Value}")),
        YamlSequenceNode list => list.Children.SelectMany((c, i) => Nulls(c, $"{path}[{i}]")),
        YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted), Value: null or "" or "~" or "null" or "Null" or "NULL" } => [path],
        _ => [],
    };

    [Fact]
    public void The_old_logs_key_fails_the_schema()
    {
        // Chart 41.0.0 split logs: into log: and accessLog:; the chart now refuses logs:.
        var broken = Values.Replace("log:\n  level: INFO", "logs:\n  general:\n    level: INFO", StringComparison.Ordinal);
        Assert.NotEqual(Values, broken);
        var errors = TraefikChartSchema.Schema.Validate(ValuesSchema.Load(broken));
        Assert.Contains(errors, e => e.StartsWith("logs:", StringComparison.Ordinal));
    }

    [Fact]
    public void Redirections_directly_under_a_port_fail_the_schema()
    {
        // Chart 39.0.0 moved ports.NAME.redirections under ports.NAME.http.
        var broken = Production.Replace("    http:\n      redirections:\n        entryPoint:\n          to: websecure\n          scheme: https\n          permanent: true",
            "    redirections:\n      entryPoint:\n        to: websecure\n        scheme: https\n        permanent: true", StringComparison.Ordinal);
        Assert.NotEqual(Production, broken);
        var errors = TraefikChartSchema.Schema.Validate(Merged(Values, broken));
        Assert.Contains("ports.web.redirections: not allowed (additionalProperties: false)", errors);
    }

    [Theory]
    [InlineData("level: INFO", "level: info", "log.level")]
    [InlineData("replicas: 1", "replicas: one", "deployment.replicas")]
    [InlineData("exposedPort: 443", "exposedPort: \"443\"", "ports.websecure.exposedPort")]
    [InlineData("dashboard: true\n", "dashbord: true\n", "api.dashbord")]
    public void Wrong_types_values_and_names_fail_the_schema(string good, string bad, string where)
    {
        Assert.Contains(good, Values, StringComparison.Ordinal);
        var errors = TraefikChartSchema.Schema.Validate(ValuesSchema.Load(Values.Replace(good, bad, StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.StartsWith(where + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void The_install_command_pins_the_chart_the_schema_was_read_from()
    {
        foreach (var text in new[] { Values, File.ReadAllText(DeployRepo.PathOf("README.md")) })
        {
            var versions = Regex.Matches(text, @"traefik/traefik --version (\S+)").Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Equal([TraefikChartSchema.ChartVersion], versions);
        }

        // Compose runs the Traefik release the chart pins.
        var compose = ComposeTests.Map(ComposeTests.Services["traefik"], "traefik")["image"]!.ToString()!;
        Assert.EndsWith(":" + TraefikChartSchema.AppVersion, compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Traefik_has_room_for_thousands_of_WebSockets_and_no_ACME_store_split_across_replicas()
    {
        var merged = (YamlMappingNode)Merged(Values, Production);
        var limit = ResourceQuantity(merged, "resources", "limits", "memory");
        Assert.True(limit >= 1L << 30, $"Traefik's memory limit {limit} bytes: a hall of viewers' WebSockets needs a gibibyte");
        var replicas = int.Parse(Scalar(merged, "deployment", "replicas")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(replicas >= 2);
        // Traefik's own ACME resolver keeps certificates per pod: with two replicas, use cert-manager.
        Assert.False(merged.Children.ContainsKey("certificatesResolvers"), "certificatesResolvers with more than one Traefik replica");
        var advice = Production + Values;
        Assert.DoesNotContain("add certificatesResolvers", advice, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cert-manager", advice, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CrossReferenceTests.AppOverlays), MemberType = typeof(CrossReferenceTests))]
    public void The_edge_rate_limit_lets_a_hall_behind_one_address_vote_as_the_app_allows(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var edge = o.Get<Middleware>("rate-limit").Spec!.RateLimit!;
        Assert.Equal("1s", edge.Period?.Value);
        var poll = o.Get<V1Deployment>("poll");
        var env = o.ResolveEnvironment("voting", poll.Spec.Template.Spec.Containers.Single()).ToDictionary(e => e.Name, e => e.Value);
        var perAddress = int.Parse(env["Voting__RateLimits__PerAddressPerSecond"], System.Globalization.CultureInfo.InvariantCulture);
        // Each vote comes with page, script and results requests: ten requests per allowed vote.
        Assert.True(edge.Average >= 10 * perAddress, $"{dir}: the edge allows {edge.Average}/s per address, the app {perAddress} votes/s");
        Assert.True(edge.Burst >= edge.Average);
    }

    private static string? Scalar(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return ((YamlScalarNode)node).Value;
    }

    private static long ResourceQuantity(YamlMappingNode root, params string[] path) =>
        (long)new ResourceQuantity(Scalar(root, path)).ToDecimal();
}

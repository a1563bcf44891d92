using System.Globalization;

namespace Voting.Tests.Deploy;

/// <summary>
/// From outside, /metrics, /healthz and /readyz reach no pod (in any case, with
/// or without a trailing slash, as the app's routing would accept them), and every public path
/// reaches the role that owns it. The rules are evaluated as Traefik evaluates them.
/// </summary>
public sealed class RoutingTests
{
    public static TheoryData<string> Overlays => [.. DeployRepo.AppOverlays];

    private static readonly string[] Operational =
        ["/metrics", "/healthz", "/readyz", "/Metrics", "/METRICS", "/metrics/", "/healthz/", "/ReadyZ", "/readyz/x"];

    private static readonly (string Path, string Role)[] Public =
    [
        ("/", "poll"), ("/polls/demo", "poll"), ("/api/polls", "poll"), ("/api/polls/demo/votes", "poll"),
        ("/admin", "poll"), ("/metricsboard", "poll"), ("/healthzone", "poll"),
        ("/results/demo", "result"), ("/api/results/demo", "result"), ("/hubs/results", "result"),
    ];

    [Fact]
    public void The_rule_evaluator_reads_rules_as_Traefik_does()
    {
        Assert.True(TraefikRule.Parse("Host(`a.b`) && (PathPrefix(`/x`) || Path(`/y`))").Matches("A.B", "/y"));
        Assert.False(TraefikRule.Parse("Host(`a.b`) && (PathPrefix(`/x`) || Path(`/y`))").Matches("a.b", "/y/z"));
        Assert.False(TraefikRule.Parse("PathPrefix(`/`) && !PathRegexp(`^/m`)").Matches("h", "/m"));
        Assert.Throws<FormatException>(() => TraefikRule.Parse("PathPrefix(`/`) &&"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Operational_endpoints_are_not_routed_from_outside_and_public_paths_reach_their_role(string dir)
    {
        var route = RenderedOverlay.Load(dir).OfType<IngressRoute>().Single();
        var routes = route.Spec!.Routes.Select(r => (r.Match, r.Priority ?? r.Match.Length, r.Services.Single().Name)).ToList();
        var host = DeployRepo.ProductionOverlays.Contains(dir) ? Site.Host : "localhost";
        foreach (var path in Operational)
        {
            Assert.True(TraefikRule.Route(routes, host, path) is null, $"{dir}: {path} is routed to {TraefikRule.Route(routes, host, path)}");
        }

        foreach (var (path, role) in Public)
        {
            Assert.Equal(role, TraefikRule.Route(routes, host, path));
        }
    }

    [Fact]
    public void Compose_routes_the_same_way()
    {
        var http = ComposeTests.Map(ComposeTests.LoadYaml(DeployRepo.PathOf("deploy/compose/dynamic.yml"))["http"], "http");
        var routes = ComposeTests.Map(http["routers"], "routers").Select(kv => ComposeTests.Map(kv.Value, kv.Key))
            .Select(r => (r["rule"]!.ToString()!, int.Parse(r["priority"]!.ToString()!, CultureInfo.InvariantCulture), r["service"]!.ToString()!))
            .ToList();
        foreach (var path in Operational)
        {
            Assert.Null(TraefikRule.Route(routes, "localhost", path));
        }

        foreach (var (path, role) in Public)
        {
            Assert.Equal(role, TraefikRule.Route(routes, "localhost", path));
        }
    }
}

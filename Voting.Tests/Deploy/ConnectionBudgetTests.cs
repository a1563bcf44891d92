using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Npgsql;

namespace Voting.Tests.Deploy;

/// <summary>
/// Every pod that can run at once, times the connections it may open, fits
/// below PostgreSQL's max_connections, which is set explicitly (deploy/README.md, "Connection budget").
/// </summary>
public sealed partial class ConnectionBudgetTests
{
    // The KEDA example: the production overlay with workers scaled on lag, up to its ScaledObject's maximum.
    private const string KedaExample = "deploy/components/keda-worker-example";

    public static TheoryData<string> Overlays => [.. DeployRepo.AppOverlays, KedaExample];

    // Sessions that are not the app's: superuser_reserved_connections (3) and an operator's psql
    // (2); CloudNativePG's instance manager and exporter take some more on top.
    private const int ReservedStatefulSet = 5;
    private const int ReservedCloudNativePg = 10;

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pool_times_its_most_pods_fits_below_max_connections(string dir)
    {
        var budget = Budget(RenderedOverlay.Load(dir));
        Assert.True(budget.Used <= budget.Max, $"{dir}: {budget.Used} connections possible, max_connections {budget.Max}:\n{string.Join('\n', budget.Lines)}");
    }

    [Fact]
    public void The_deploy_guide_shows_the_production_budget_as_computed()
    {
        var doc = File.ReadAllText(DeployRepo.PathOf("deploy/README.md"));
        foreach (var dir in DeployRepo.ProductionOverlays.Append(KedaExample))
        {
            var budget = Budget(RenderedOverlay.Load(dir));
            Assert.Contains($"{budget.Used} of {budget.Max}", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_budget_counts_pools_that_would_overflow()
    {
        var o = RenderedOverlay.Load("deploy/overlays/production");
        var before = Budget(o);
        var hpa = o.OfType<V2HorizontalPodAutoscaler>().Single(h => h.Spec.ScaleTargetRef.Name == "result");
        var saved = hpa.Spec.MaxReplicas;
        try
        {
            hpa.Spec.MaxReplicas = 40;
            Assert.True(Budget(o).Used > before.Max, "forty result pods must not fit");
        }
        finally
        {
            hpa.Spec.MaxReplicas = saved;
        }
    }

    private sealed record Tally(int Used, int Max, List<string> Lines);

    private static Tally Budget(RenderedOverlay o)
    {
        var lines = new List<string>();
        var used = 0;
        // An HPA's maximum, or a KEDA ScaledObject's (KEDA makes the HPA from it).
        var most = o.OfType<V2HorizontalPodAutoscaler>().Select(h => (h.Spec.ScaleTargetRef.Name, Max: h.Spec.MaxReplicas))
            .Concat(o.OfType<ScaledObject>().Select(k => (k.Spec!.ScaleTargetRef.Name, Max: k.Spec.MaxReplicaCount ?? 100)))
            .ToDictionary(x => x.Name, x => x.Max);
        foreach (var w in o.AppWorkloads())
        {
            var env = o.ResolveEnvironment(w.Namespace, w.Pod.Containers.Single()).ToDictionary(e => e.Name, e => e.Value);
            var connection = env["ConnectionStrings__Postgres"];
            int pods, perPod;
            if (w.Kind == "Job")
            {
                // The migration runs unpooled: its lock session and the runner's connection.
                pods = 1;
                perPod = 2;
            }
            else
            {
                Assert.True(connection.Contains("Maximum Pool Size=", StringComparison.Ordinal), $"{o.Dir}: {w} leaves its pool at Npgsql's default of 100");
                var deployment = o.Get<V1Deployment>(w.Name);
                var replicas = most.TryGetValue(w.Name, out var max) ? max : deployment.Spec.Replicas ?? 1;
                var surge = int.Parse(deployment.Spec.Strategy?.RollingUpdate?.MaxSurge?.Value ?? "1", CultureInfo.InvariantCulture);
                pods = replicas + surge;
                // The result role's LISTEN connection is its own, outside the pool.
                perPod = new NpgsqlConnectionStringBuilder(connection).MaxPoolSize + (w.Name == "result" ? 1 : 0);
            }

            used += pods * perPod;
            lines.Add($"{w}: {pods} pods x {perPod}");
        }

        // The dump and restore jobs: one session each, never two backups at once (concurrencyPolicy Forbid).
        foreach (var cron in o.OfType<V1CronJob>())
        {
            Assert.Equal("Forbid", cron.Spec.ConcurrencyPolicy);
            used += 1;
            lines.Add($"CronJob/{cron.Metadata.Name}: 1");
        }

        var cluster = o.OfType<CnpgCluster>().SingleOrDefault();
        var reserved = cluster is null ? ReservedStatefulSet : ReservedCloudNativePg;
        used += reserved;
        lines.Add($"reserved: {reserved}");
        return new Tally(used, MaxConnections(o, cluster), lines);
    }

    private static int MaxConnections(RenderedOverlay o, CnpgCluster? cluster)
    {
        string? value;
        if (cluster is not null)
        {
            value = cluster.Spec!.Postgresql?.Parameters?.GetValueOrDefault("max_connections");
        }
        else
        {
            var c = o.Get<V1StatefulSet>("postgres").Spec.Template.Spec.Containers.Single();
            var m = MaxConnectionsArg().Match(string.Join(' ', (c.Command ?? []).Concat(c.Args ?? [])));
            value = m.Success ? m.Groups[1].Value : null;
        }

        Assert.True(value is not null, $"{o.Dir}: max_connections is left at PostgreSQL's default");
        return int.Parse(value!, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"-c max_connections=(\d+)")]
    private static partial Regex MaxConnectionsArg();
}

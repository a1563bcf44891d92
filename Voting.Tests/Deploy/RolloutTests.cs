using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>
/// What makes a second `kubectl apply` (an upgrade, a switch of
/// overlay) safe: no replica count under an autoscaler, StatefulSets whose immutable parts never
/// differ between overlays, a migration Job that outlasts a slow first start, probes that wait
/// longer than the checks they call.
/// </summary>
public sealed class RolloutTests
{
    public static TheoryData<string> Overlays => [.. DeployRepo.AppOverlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void No_deployment_under_an_autoscaler_sets_replicas(string dir)
    {
        var objects = RenderedOverlay.Parse(DeployRepo.Render(dir));
        Assert.Empty(CountsUnderAutoscalers(objects));

        // The check sees a count that an apply would impose on the autoscaler.
        if (objects.OfType<V2HorizontalPodAutoscaler>().Any())
        {
            objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "poll").Spec.Replicas = 2;
            Assert.Equal(["poll"], CountsUnderAutoscalers(objects));
        }
    }

    /// <summary>Deployments with replicas: set although an autoscaler owns their count.</summary>
    private static List<string> CountsUnderAutoscalers(List<object> objects) =>
        [.. objects.OfType<V2HorizontalPodAutoscaler>()
            .Select(h => objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == h.Spec.ScaleTargetRef.Name))
            .Where(d => d.Spec.Replicas is not null)
            .Select(d => d.Metadata.Name)];

    [Fact]
    public void StatefulSets_volume_claim_templates_are_the_same_in_every_overlay_and_carry_no_labels()
    {
        var claims = DeployRepo.AppOverlays.Select(dir => (dir, RenderedOverlay.Load(dir).OfType<V1StatefulSet>()
                .ToDictionary(s => s.Metadata.Name, s => k8s.KubernetesJson.Serialize(s.Spec.VolumeClaimTemplates))))
            .ToList();
        foreach (var (dir, sets) in claims)
        {
            foreach (var s in RenderedOverlay.Load(dir).OfType<V1StatefulSet>())
            {
                Assert.All(s.Spec.VolumeClaimTemplates, t => Assert.True(t.Metadata.Labels is null or { Count: 0 }, $"{dir}: {s.Metadata.Name}'s claim {t.Metadata.Name} has labels"));
                Assert.Equal("Retain", s.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted);
            }

            // Switching from one overlay to another must not touch an immutable field.
            foreach (var (other, otherSets) in claims)
            {
                foreach (var name in sets.Keys.Intersect(otherSets.Keys))
                {
                    Assert.True(sets[name] == otherSets[name], $"StatefulSet {name}'s volumeClaimTemplates differ between {dir} and {other}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_migration_job_keeps_trying_through_a_slow_first_start_and_reads_only_the_database_settings(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var job = o.Get<V1Job>("migrate");
        Assert.True(job.Spec.ActiveDeadlineSeconds is null or >= 3600, $"{dir}: the Job gives up after {job.Spec.ActiveDeadlineSeconds} s");
        // The Job controller waits 10 s, doubling, at most 6 minutes between tries.
        var patience = Enumerable.Range(0, job.Spec.BackoffLimit ?? 6).Sum(i => Math.Min(10 * Math.Pow(2, i), 360));
        Assert.True(patience >= 3600, $"{dir}: the Job gives up after about {patience / 60:F0} minutes of retries");
        // Its pod template cannot change once created, and it names generated (hashed) objects: so it
        // reads only what rarely changes, the database's address and password (not the roles'
        // settings), and the README deletes the finished Job before every apply that could change them
        // (ReadmeTests.Every_apply_of_a_running_site_deletes_the_finished_migration_job_first).
        var c = job.Spec.Template.Spec.Containers.Single();
        Assert.Empty(c.EnvFrom ?? []);
        var read = (c.Env ?? []).Select(e => e.ValueFrom?.ConfigMapKeyRef?.Name ?? e.ValueFrom?.SecretKeyRef?.Name).OfType<string>().ToList();
        Assert.All(read, name => Assert.True(name.StartsWith("voting-endpoints", StringComparison.Ordinal) || name.StartsWith("voting-db", StringComparison.Ordinal),
            $"{dir}: the migrate Job reads {name}"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Readiness_probes_wait_longer_than_the_apps_own_checks(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var d in o.OfType<V1Deployment>().Where(d => d.Spec.Template.Spec.Containers.Any(c => RenderedOverlay.IsAppImage(c.Image))))
        {
            var probe = d.Spec.Template.Spec.Containers.Single().ReadinessProbe;
            // Checks run side by side, each bounded by PostgresHealthCheck.Timeout (Redis's is the same 2 s).
            Assert.True(probe.TimeoutSeconds >= 2 * Voting.Storage.PostgresHealthCheck.Timeout.TotalSeconds,
                $"{dir}: {d.Metadata.Name}'s readiness probe times out after {probe.TimeoutSeconds} s, the app's check after {Voting.Storage.PostgresHealthCheck.Timeout.TotalSeconds} s");
        }
    }
}

using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>
/// The operator's README does what it says on a fresh cluster. Its
/// teardown keeps the data, its upgrade deletes the finished Job before applying, metrics-server's
/// install handles kubeadm's kubelet certificates, and it promises no painless node loss.
/// </summary>
public sealed partial class ReadmeTests
{
    private static string Readme => File.ReadAllText(DeployRepo.PathOf("README.md"));

    private static string Section(string heading)
    {
        var text = Readme;
        var start = text.IndexOf($"\n### {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '### {heading}'");
        var end = text.IndexOf("\n##", start + heading.Length + 5, StringComparison.Ordinal);
        return text[start..(end < 0 ? text.Length : end)];
    }

    private static List<string> ShellLines(string section) =>
        [.. CodeBlock().Matches(section).SelectMany(m => m.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [Fact]
    public void Teardown_deletes_what_the_app_runs_and_keeps_every_object_that_holds_data()
    {
        var section = Section("Tear down");
        var delete = ShellLines(section).First(l => l.StartsWith("kubectl -n voting delete ", StringComparison.Ordinal));
        var kinds = delete.Split(' ')[4].Split(',').ToHashSet(StringComparer.Ordinal);
        Assert.Contains("-l app.kubernetes.io/part-of=voting", delete, StringComparison.Ordinal);

        // Data: volume claims, the namespace that holds them, the CloudNativePG cluster (its volumes go with it).
        foreach (var keep in new[] { "persistentvolumeclaim", "pvc", "namespace", "cluster", "all" })
        {
            Assert.DoesNotContain(keep, kinds);
        }

        // Everything else a site renders is covered, so the app really stops.
        foreach (var dir in DeployRepo.AppOverlays)
        {
            var rendered = RenderedOverlay.Load(dir).Objects.OfType<IKubernetesObject<V1ObjectMeta>>()
                .Select(o => o.Kind.ToLowerInvariant())
                .Where(k => k is not ("persistentvolumeclaim" or "namespace" or "cluster" or "objectstore" or "scheduledbackup"))
                .ToHashSet();
            Assert.Empty(rendered.Except(kinds.Select(k => k == "horizontalpodautoscaler" ? k : k)));
        }

        // The StatefulSets keep their claims when deleted.
        foreach (var s in RenderedOverlay.Load("deploy/overlays/production").OfType<V1StatefulSet>())
        {
            Assert.Equal("Retain", s.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        }

        Assert.DoesNotContain("kubectl delete -k", string.Join('\n', ShellLines(Readme)), StringComparison.Ordinal);
        Assert.DoesNotContain("kubectl delete namespace", string.Join('\n', ShellLines(Readme)), StringComparison.Ordinal);
        Assert.Contains("erases every vote", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Upgrade_deletes_the_finished_migration_job_before_applying_and_waits_for_it()
    {
        var lines = ShellLines(Section("Upgrade"));
        var delete = lines.FindIndex(l => l.StartsWith("kubectl -n voting delete job migrate", StringComparison.Ordinal));
        var apply = lines.FindIndex(l => l.StartsWith("kubectl apply -k deploy/sites/", StringComparison.Ordinal));
        var wait = lines.FindIndex(l => l.Contains("--for=condition=complete job/migrate", StringComparison.Ordinal));
        Assert.True(delete >= 0 && apply > delete && wait > apply, "upgrade: delete job/migrate, then apply, then wait for it");
    }

    [Theory]
    [InlineData("Upgrade")]
    [InlineData("Secrets")]
    public void Every_apply_of_a_running_site_deletes_the_finished_migration_job_first(string heading)
    {
        // The Job reads hashed names (the database password, the endpoints): applied over a finished
        // Job whose template they changed, kubectl fails on it while the Deployments roll.
        var lines = ShellLines(Section(heading));
        var applies = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("kubectl apply -k deploy/sites/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(applies);
        Assert.All(applies, apply => Assert.True(
            apply.i > 0 && lines[apply.i - 1].StartsWith("kubectl -n voting delete job migrate --ignore-not-found", StringComparison.Ordinal),
            $"{heading}: '{apply.l}' without deleting job/migrate just before it"));
    }

    [Fact]
    public void Metrics_server_is_installed_pinned_and_with_kubeadms_kubelet_certificates_handled()
    {
        var prerequisites = Section("Prerequisites");
        Assert.DoesNotContain("releases/latest", Readme, StringComparison.Ordinal);
        Assert.Matches(@"metrics-server/releases/download/v\d+\.\d+\.\d+/components\.yaml", prerequisites);
        // Self-signed kubelet serving certificates: have the CA sign them, and approve the requests.
        Assert.Contains("serverTLSBootstrap: true", prerequisites, StringComparison.Ordinal);
        Assert.Contains("kubectl certificate approve", prerequisites, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_guide_covers_a_fresh_cluster_end_to_end()
    {
        foreach (var heading in new[] { "Prerequisites", "Traefik", "The image", "Install", "Check it works", "Watch it", "Upgrade", "Back up and restore", "Secrets", "Tear down" })
        {
            _ = Section(heading);
        }

        var prerequisites = Section("Prerequisites");
        Assert.Matches(@"Kubernetes 1\.\d\d or newer", prerequisites);
        Assert.Contains("StorageClass", prerequisites, StringComparison.Ordinal);
        Assert.Contains("kube-prometheus-stack", prerequisites, StringComparison.Ordinal);
        Assert.Contains("docs/monitoring.md", Section("Watch it"), StringComparison.Ordinal);
        // The check works with Traefik's default (self-signed) certificate.
        Assert.Contains("curl -sk --resolve", Section("Check it works"), StringComparison.Ordinal);
        // A node loss is not "a moment" on node-local volumes.
        Assert.DoesNotContain("for a moment", Readme, StringComparison.Ordinal);
        Assert.Contains("local-path", prerequisites, StringComparison.Ordinal);
        // The guide's end: what only a real cluster can show.
        Assert.Contains("Only a real cluster", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_README_installs_the_pinned_operator_and_plugin_versions()
    {
        var cnpg = Section("PostgreSQL with CloudNativePG");
        Assert.Contains("releases/cnpg-1.30.0.yaml", cnpg, StringComparison.Ordinal);
        Assert.Contains("plugin-barman-cloud/releases/download/v0.14.0/", cnpg, StringComparison.Ordinal);
        Assert.Contains("CloudNativePG 1.30", File.ReadAllText(DeployRepo.PathOf("deploy/overlays/production-cloudnativepg/cluster.yaml")), StringComparison.Ordinal);
    }
}

using System.Text.RegularExpressions;

namespace Voting.Tests.Deploy;

/// <summary>
/// What the custom resources' upstream CRDs declare beyond field names and types (those are the
/// typed models' strict parsing): enumerations, patterns and required fields, as read in Traefik's
/// CRDs shipped with Helm chart 41.3.0, CloudNativePG 1.30.0 and the Barman Cloud Plugin 0.14.0.
/// </summary>
public sealed class UpstreamSchemaTests
{
    public static TheoryData<string> Overlays => [.. DeployRepo.AppOverlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Traefik_objects_use_only_values_the_CRDs_allow(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var route in o.OfType<IngressRoute>())
        {
            Assert.NotEmpty(route.Spec!.Routes); // required: routes
            foreach (var r in route.Spec.Routes)
            {
                Assert.False(string.IsNullOrEmpty(r.Match)); // required: match
                Assert.Contains(r.Kind ?? "Rule", new[] { "Rule" });
                Assert.All(r.Middlewares ?? [], m => Assert.False(string.IsNullOrEmpty(m.Name)));
                foreach (var s in r.Services)
                {
                    Assert.False(string.IsNullOrEmpty(s.Name));
                    Assert.Contains(s.Kind ?? "Service", new[] { "Service", "TraefikService" });
                    Assert.Contains(s.Strategy ?? "wrr", new[] { "wrr", "p2c", "hrw", "leasttime", "RoundRobin" });
                    Assert.Contains(s.Sticky?.Cookie?.SameSite ?? "lax", new[] { "none", "lax", "strict", "None", "Lax", "Strict" });
                }
            }
        }
    }

    [Fact]
    public void CloudNativePG_objects_use_only_values_the_CRDs_allow()
    {
        var o = RenderedOverlay.Load("deploy/overlays/production-cloudnativepg");
        var cluster = o.OfType<CnpgCluster>().Single().Spec!;
        Assert.True(cluster.Instances >= 1); // required: instances
        Assert.Contains(cluster.PrimaryUpdateStrategy ?? "unsupervised", new[] { "unsupervised", "supervised" });
        Assert.Contains(cluster.Affinity?.PodAntiAffinityType ?? "preferred", new[] { "preferred", "required" });
        Assert.All(cluster.Managed?.Roles ?? [], r => Assert.Contains(r.Ensure ?? "present", new[] { "present", "absent" }));
        Assert.All(cluster.Plugins ?? [], p => Assert.False(string.IsNullOrEmpty(p.Name)));
        Assert.All(cluster.Postgresql?.Parameters ?? [], p => Assert.False(string.IsNullOrEmpty(p.Value)));

        foreach (var backup in o.OfType<CnpgScheduledBackup>().Select(b => b.Spec!))
        {
            Assert.False(string.IsNullOrEmpty(backup.Schedule)); // required: schedule, cluster
            Assert.False(string.IsNullOrEmpty(backup.Cluster?.Name));
            Assert.Contains(backup.Method ?? "barmanObjectStore", new[] { "barmanObjectStore", "volumeSnapshot", "plugin" });
            Assert.Contains(backup.BackupOwnerReference ?? "none", new[] { "none", "self", "cluster" });
            Assert.Contains(backup.Target ?? "prefer-standby", new[] { "primary", "prefer-standby" });
            Assert.True(backup.Method != "plugin" || backup.PluginConfiguration is { Name.Length: > 0 }, "method plugin needs pluginConfiguration.name");
        }

        foreach (var store in o.OfType<BarmanObjectStore>().Select(s => s.Spec!))
        {
            Assert.False(string.IsNullOrEmpty(store.Configuration.DestinationPath)); // required
            Assert.Matches("^[1-9][0-9]*[dwm]$", store.RetentionPolicy ?? "30d");
            Assert.Contains(store.Configuration.Wal?.Compression ?? "gzip", new[] { "bzip2", "gzip", "lz4", "snappy", "xz", "zstd" });
            Assert.Contains(store.Configuration.Data?.Compression ?? "gzip", new[] { "bzip2", "gzip", "lz4", "snappy" });
            foreach (var key in new[] { store.Configuration.S3Credentials?.AccessKeyId, store.Configuration.S3Credentials?.SecretAccessKey }.OfType<k8s.Models.V1SecretKeySelector>())
            {
                Assert.False(string.IsNullOrEmpty(key.Name) || string.IsNullOrEmpty(key.Key)); // required: name, key
            }
        }
    }

    [Fact]
    public void A_field_the_CRDs_do_not_have_is_refused()
    {
        var yaml = DeployRepo.Render("deploy/overlays/production-cloudnativepg");
        foreach (var (field, wrong) in new[] { ("isWALArchiver:", "isWalArchiver:"), ("destinationPath:", "destinationpath:"), ("backupOwnerReference:", "backupOwnerRef:"), ("passwordSecret:", "passwordSecrets:") })
        {
            Assert.Contains(field, yaml, StringComparison.Ordinal);
            Assert.ThrowsAny<Exception>(() => RenderedOverlay.Parse(yaml.Replace(field, wrong, StringComparison.Ordinal)));
        }

        // Old in-tree backup settings are not modelled: the plugin replaced them.
        Assert.DoesNotMatch(new Regex("barmanObjectStore:"), yaml);
    }
}

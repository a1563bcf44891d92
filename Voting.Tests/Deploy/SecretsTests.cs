using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>
/// Secrets fail closed (nothing committed renders one), each is stored once,
/// and each is split so that rotating one restarts only what reads it.
/// </summary>
public sealed class SecretsTests
{
    public static TheoryData<string> Overlays => [.. DeployRepo.AppOverlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void A_committed_overlay_renders_no_secret_and_no_image_of_its_own(string dir)
    {
        var objects = RenderedOverlay.Parse(DeployRepo.RenderCommitted(dir));
        Assert.Empty(objects.OfType<V1Secret>());
        var images = objects.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers).Select(c => c.Image).Distinct().ToList();
        // The placeholder name the site overlay replaces: no registry host that would fail late.
        Assert.Equal(["voting"], images);
        Assert.DoesNotContain("example-", DeployRepo.RenderCommitted(dir), StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFiles(DeployRepo.PathOf("deploy"), "*.env", SearchOption.AllDirectories),
            f => !f.Contains($"{Path.DirectorySeparatorChar}secrets{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_site_makes_its_own_random_secrets_and_git_ignores_them()
    {
        var a = Site.Make("production");
        var b = Site.Make("production");
        foreach (var file in new[] { "db.env", "redis.env", "admin.env" })
        {
            Assert.NotEqual(File.ReadAllText(a.SecretFile(file)), File.ReadAllText(b.SecretFile(file)));
        }

        var admin = File.ReadAllLines(a.SecretFile("admin.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.True(admin["token"].Length >= 32, "the admin token passes the app's length check");
        Assert.True(admin["data-protection-key"].Length >= 32, "the data protection key passes the app's length check");
        Assert.Equal("secrets/", File.ReadAllText(Path.Combine(a.Directory, ".gitignore")).Trim());
        Assert.Contains("deploy/**/secrets/", File.ReadAllText(DeployRepo.PathOf(".gitignore")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(a.SecretFile("db.env")));
        }
    }

    [Fact]
    public void The_site_script_refuses_placeholders_and_never_overwrites_a_site()
    {
        Assert.ThrowsAny<InvalidOperationException>(() => Site.Make("production", image: null));
        Assert.ThrowsAny<InvalidOperationException>(() => Site.Make("production", image: "ghcr.io/OWNER/REPO:1.0.0"));
        Assert.ThrowsAny<InvalidOperationException>(() => Site.Make("production", image: "ghcr.io/someone/voting"));
        var site = Site.Make("dev");
        var before = File.ReadAllText(site.SecretFile("db.env"));
        Assert.ThrowsAny<InvalidOperationException>(() => DeployRepo.Run(DeployRepo.PathOf("deploy/new-site.sh"), ["--overlay", "dev", "--image", Site.Image, site.Directory]));
        Assert.Equal(before, File.ReadAllText(site.SecretFile("db.env")));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_password_is_stored_once_and_reaches_every_reader_from_there(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var db = RenderedOverlay.SecretData(o.OfType<V1Secret>().Single(s => s.Metadata.Name.StartsWith("voting-db-", StringComparison.Ordinal)))["password"];
        var redis = RenderedOverlay.SecretData(o.OfType<V1Secret>().Single(s => s.Metadata.Name.StartsWith("voting-redis-", StringComparison.Ordinal)))["password"];
        var stored = o.OfType<V1Secret>().SelectMany(s => RenderedOverlay.SecretData(s).Values).ToList();
        Assert.Single(stored, v => v.Contains(db, StringComparison.Ordinal));
        Assert.Single(stored, v => v.Contains(redis, StringComparison.Ordinal));
        foreach (var w in o.AppWorkloads())
        {
            var env = o.ResolveEnvironment(w.Namespace, w.Pod.Containers.Single()).ToDictionary(e => e.Name, e => e.Value);
            Assert.Contains($"Password={db};", env["ConnectionStrings__Postgres"], StringComparison.Ordinal);
            if (env.TryGetValue("ConnectionStrings__Redis", out var r))
            {
                Assert.Contains($",password={redis},", r, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Rotating_the_admin_token_restarts_poll_and_result_only_and_a_database_password_never_restarts_Redis()
    {
        var site = Site.Make("production");
        var before = Templates(site.Render());
        var key = File.ReadAllLines(site.SecretFile("admin.env")).Single(l => l.StartsWith("data-protection-key=", StringComparison.Ordinal));
        File.WriteAllText(site.SecretFile("admin.env"), $"token={Guid.NewGuid():N}{Guid.NewGuid():N}\n{key}\n");
        var afterToken = Templates(site.Render());
        // Poll manages polls with it; result shows the organiser hidden results with it.
        Assert.Equal(["Deployment/poll", "Deployment/result"], Changed(before, afterToken));

        File.WriteAllText(site.SecretFile("db.env"), $"username=voting\npassword={Guid.NewGuid():N}\n");
        var afterDb = Templates(site.Render());
        var changed = Changed(afterToken, afterDb);
        Assert.DoesNotContain("StatefulSet/redis", changed);
        Assert.Contains("StatefulSet/postgres", changed);
        Assert.Contains("Deployment/result", changed);
    }

    /// <summary>Each workload's pod template as text: a change there is a rolling restart.</summary>
    private static Dictionary<string, string> Templates(string yaml)
    {
        var objects = RenderedOverlay.Parse(yaml);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in objects.OfType<V1Deployment>())
        {
            result[$"Deployment/{d.Metadata.Name}"] = k8s.KubernetesJson.Serialize(d.Spec.Template);
        }

        foreach (var s in objects.OfType<V1StatefulSet>())
        {
            result[$"StatefulSet/{s.Metadata.Name}"] = k8s.KubernetesJson.Serialize(s.Spec.Template);
        }

        return result;
    }

    private static List<string> Changed(Dictionary<string, string> a, Dictionary<string, string> b) =>
        [.. a.Keys.Where(k => a[k] != b[k]).Order(StringComparer.Ordinal)];
}

using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>Checks 1 and 2: every kustomize directory renders, and every object parses strictly.</summary>
public sealed class RenderTests
{
    public static TheoryData<string> Directories => [.. DeployRepo.KustomizeDirectories];

    [Theory]
    [MemberData(nameof(Directories))]
    public void Renders_with_kubectl_kustomize(string dir)
    {
        var yaml = DeployRepo.Render(dir);
        Assert.Contains("kind:", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Directories))]
    public void Every_object_parses_in_strict_mode(string dir)
    {
        var overlay = RenderedOverlay.Load(dir);
        Assert.NotEmpty(overlay.Objects);
        var untyped = overlay.Objects.Where(o => o.GetType().Namespace is not ("k8s.Models" or "Voting.Tests.Deploy")).ToList();
        Assert.Empty(untyped);
        foreach (var o in overlay.Objects.OfType<k8s.IKubernetesObject<V1ObjectMeta>>())
        {
            Assert.False(string.IsNullOrEmpty(o.Metadata?.Name), $"{dir}: a {o.Kind} without a name");
        }
    }

    [Theory]
    [InlineData("containerPort: 8080", "containerPrt: 8080")]
    [InlineData("readinessProbe:", "readynessProbe:")]
    [InlineData("sticky:", "stiky:")]
    [InlineData("sameSite: lax", "samesite: lax")]
    [InlineData("rateLimit:", "ratelimit:")]
    [InlineData("minResponseBodyBytes:", "minResponseBodyByte:")]
    public void Strict_parsing_rejects_a_misspelled_field(string field, string misspelled)
    {
        var yaml = DeployRepo.Render("deploy/overlays/production");
        Assert.Contains(field, yaml, StringComparison.Ordinal);
        RenderedOverlay.Parse(yaml); // the real text parses
        var broken = yaml.Replace(field, misspelled, StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => RenderedOverlay.Parse(broken));
    }

    [Fact]
    public void Strict_parsing_rejects_a_misspelled_CloudNativePG_field()
    {
        var yaml = DeployRepo.Render("deploy/overlays/production-cloudnativepg");
        Assert.Contains("enablePodAntiAffinity:", yaml, StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => RenderedOverlay.Parse(yaml.Replace("enablePodAntiAffinity:", "enablePodAntiAfinity:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_kustomize_directory_under_deploy_is_checked()
    {
        var found = Directory.EnumerateFiles(DeployRepo.PathOf("deploy"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DeployRepo.Root, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Where(d => d != "deploy/base")
            // deploy/sites holds operators' site overlays.
            .Where(d => !d.StartsWith("deploy/sites/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(DeployRepo.KustomizeDirectories.Order(StringComparer.Ordinal), found);
    }
}

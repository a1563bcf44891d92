using YamlDotNet.RepresentationModel;

namespace Voting.Tests.Deploy;

/// <summary>
/// An image users can get. A version tag builds both platforms and pushes them,
/// with an SBOM and provenance, to this repository's GHCR; a site overlay names that image once.
/// </summary>
public sealed class ReleaseTests
{
    private static YamlMappingNode Workflow => (YamlMappingNode)ValuesSchema.Load(File.ReadAllText(DeployRepo.PathOf(".github/workflows/release.yml")));

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value ?? "";

    [Fact]
    public void A_version_tag_pushes_both_platforms_to_the_repositorys_GHCR_with_SBOM_and_provenance()
    {
        var workflow = Workflow;
        var tags = ((YamlSequenceNode)At(workflow, "on", "push", "tags")).Select(t => ((YamlScalarNode)t).Value).ToList();
        Assert.Equal(["v*.*.*"], tags);
        Assert.Equal("write", Text(workflow, "permissions", "packages"));

        var steps = ((YamlSequenceNode)At(workflow, "jobs", "image", "steps")).Cast<YamlMappingNode>().ToList();
        string? Uses(YamlMappingNode s) => s.Children.TryGetValue(new YamlScalarNode("uses"), out var u) ? ((YamlScalarNode)u).Value : null;
        var build = steps.Single(s => Uses(s)?.StartsWith("docker/build-push-action@", StringComparison.Ordinal) == true);
        Assert.Equal("linux/amd64,linux/arm64", Text(build, "with", "platforms"));
        Assert.Equal("true", Text(build, "with", "push"));
        Assert.Equal("true", Text(build, "with", "sbom"));
        Assert.StartsWith("mode=max", Text(build, "with", "provenance"), StringComparison.Ordinal);
        Assert.Contains(steps, s => Uses(s)?.StartsWith("docker/setup-buildx-action@", StringComparison.Ordinal) == true);
        var login = steps.Single(s => Uses(s)?.StartsWith("docker/login-action@", StringComparison.Ordinal) == true);
        Assert.Equal("ghcr.io", Text(login, "with", "registry"));

        // The image is this repository's own, lower-cased for the registry.
        var name = steps.Single(s => s.Children.ContainsKey(new YamlScalarNode("id")) && Text(s, "id") == "image");
        Assert.Contains("ghcr.io/${GITHUB_REPOSITORY,,}", Text(name, "run"), StringComparison.Ordinal);
        Assert.All(steps.Select(Uses).OfType<string>(), u => Assert.Matches(@"@v\d+$", u));
    }

    [Theory]
    [MemberData(nameof(CrossReferenceTests.AppOverlays), MemberType = typeof(CrossReferenceTests))]
    public void A_site_runs_the_image_it_names_in_every_app_container(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var images = o.AppWorkloads().SelectMany(w => w.Pod.Containers).Select(c => c.Image).Distinct().ToList();
        Assert.Equal([Site.Image], images);
        var kustomization = File.ReadAllText(Path.Combine(Site.Make(Path.GetFileName(dir)).Directory, "kustomization.yaml"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(kustomization, @"(?m)^  - name: voting$"));
    }

    [Fact]
    public void The_README_installs_the_released_image_and_no_made_up_registry()
    {
        var readme = File.ReadAllText(DeployRepo.PathOf("README.md"));
        Assert.Contains("deploy/new-site.sh", readme, StringComparison.Ordinal);
        Assert.Contains("--image ghcr.io/", readme, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(DeployRepo.PathOf("deploy"), "*.yaml", SearchOption.AllDirectories).Append(DeployRepo.PathOf("README.md")))
        {
            Assert.DoesNotContain("registry.example.com", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }
}

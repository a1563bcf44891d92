using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Voting.Tests.Deploy;

/// <summary>The Dockerfile, Traefik's Helm values, and supplying real secrets without editing git.</summary>
public sealed class BuildAndEdgeTests
{
    private static string Dockerfile => File.ReadAllText(DeployRepo.PathOf("Dockerfile"));

    private static string Arg(string name) =>
        Regex.Match(Dockerfile, $@"^ARG {name}=(\S+)$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"Dockerfile has no ARG {name}=…");

    [Fact]
    public void Dockerfile_pins_its_bases_and_runs_the_voting_executable_as_a_numeric_user_on_8080()
    {
        var text = Dockerfile;
        var froms = Regex.Matches(text, @"^FROM (\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, froms.Count);
        Assert.All(froms, f => Assert.DoesNotContain("latest", f, StringComparison.Ordinal));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Arg("DOTNET_SDK_VERSION"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Arg("DOTNET_RUNTIME_VERSION"));
        Assert.Matches(@"^20\.\d+\.\d+$", Arg("NODE_VERSION"));
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION}", froms);
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION}", froms);

        // The SDK image satisfies global.json (same major.minor, feature band at least the pinned one).
        using var global = JsonDocument.Parse(File.ReadAllText(DeployRepo.PathOf("global.json")));
        var wanted = Version.Parse(global.RootElement.GetProperty("sdk").GetProperty("version").GetString()!);
        var sdk = Version.Parse(Arg("DOTNET_SDK_VERSION"));
        Assert.True(sdk.Major == wanted.Major && sdk.Minor == wanted.Minor && sdk.Build >= wanted.Build, $"SDK {sdk} vs global.json {wanted}");
        Assert.StartsWith($"{sdk.Major}.{sdk.Minor}.", Arg("DOTNET_RUNTIME_VERSION"), StringComparison.Ordinal);

        Assert.Contains("dotnet publish Voting.Host/Voting.Host.csproj -c Release -o /app", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER \$APP_UID$", text);
        Assert.Matches(@"(?m)^ENTRYPOINT \[""/app/voting""\]$", text);
        Assert.Matches(@"(?m)^EXPOSE 8080$", text);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", text, StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.title", text, StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.version", text, StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.revision", text, StringComparison.Ordinal);
        var lastStage = text[text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.Contains("aspnet", lastStage.Split('\n')[1], StringComparison.Ordinal);
        Assert.DoesNotContain("CMD ", lastStage, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_context_excludes_outputs_and_secrets_but_keeps_the_sources()
    {
        var lines = File.ReadAllLines(DeployRepo.PathOf(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var expected in new[] { ".git", "**/bin/", "**/obj/", "**/node_modules/", "**/secrets.env" })
        {
            Assert.Contains(expected, lines);
        }

        foreach (var needed in new[] { "Voting.Host", "Voting.Modules", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            Assert.DoesNotContain(needed, lines);
            Assert.DoesNotContain(needed + "/", lines);
        }

        Assert.Contains("deploy/", lines);
    }

    [Fact]
    public void Traefik_values_match_the_manifests()
    {
        var values = ComposeTests.LoadYaml(DeployRepo.PathOf("deploy/traefik/values.yaml"));
        var m = (Func<object?, string, Dictionary<string, object?>>)ComposeTests.Map;
        Assert.Equal("true", m(m(values["providers"], "providers")["kubernetesCRD"], "crd")["enabled"]?.ToString());
        Assert.Equal("Local", m(m(values["service"], "service")["spec"], "spec")["externalTrafficPolicy"]);
        Assert.NotNull(m(values["metrics"], "metrics")["prometheus"]);
        var ports = m(values["ports"], "ports");
        var dashboard = m(m(values["ingressRoute"], "ingressRoute")["dashboard"], "dashboard");
        var dashboardEntryPoints = ComposeTests.Strings(dashboard["entryPoints"]);
        Assert.DoesNotContain("web", dashboardEntryPoints);
        Assert.DoesNotContain("websecure", dashboardEntryPoints);
        foreach (var ep in dashboardEntryPoints)
        {
            Assert.Equal("false", m(m(ports[ep], ep)["expose"], "expose")["default"]?.ToString());
        }

        foreach (var ep in new[] { "web", "websecure" })
        {
            var fh = m(m(ports[ep], ep)["forwardedHeaders"], "forwardedHeaders");
            Assert.Equal("false", fh["insecure"]?.ToString());
            Assert.DoesNotContain("0.0.0.0/0", ComposeTests.Strings(fh["trustedIPs"]));
        }

        // Every entry point an IngressRoute names exists in the values.
        foreach (var dir in DeployRepo.AppOverlays)
        {
            foreach (var ep in RenderedOverlay.Load(dir).OfType<IngressRoute>().SelectMany(r => r.Spec!.EntryPoints ?? []))
            {
                Assert.True(ports.ContainsKey(ep), $"{dir}: entry point {ep} is not in deploy/traefik/values.yaml");
            }
        }

        // The NetworkPolicies admit Traefik from the namespace the docs install it in.
        var docs = File.ReadAllText(DeployRepo.PathOf("README.md"));
        Assert.Contains("--namespace traefik", docs, StringComparison.Ordinal);
        var policy = RenderedOverlay.Load("deploy/overlays/production").Get<V1NetworkPolicy>("traefik-to-web");
        Assert.Equal("traefik", policy.Spec.Ingress.Single().FromProperty.Single().NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public void Operators_supply_real_secrets_from_a_git_ignored_file_in_an_overlay_of_their_own()
    {
        // As the README shows: a site overlay outside the repository replaces the example secret.
        var site = Directory.CreateTempSubdirectory("voting-site-");
        try
        {
            var token = "site-admin-token-" + Guid.NewGuid().ToString("N");
            File.WriteAllText(Path.Combine(site.FullName, "secrets.env"),
                "postgres-password=site-password\n" +
                "postgres-connection=Host=postgres;Port=5432;Database=voting;Username=voting;Password=site-password\n" +
                $"admin-token={token}\n" +
                "data-protection-key=site-data-protection-key-0123456789abcdef\n");
            File.WriteAllText(Path.Combine(site.FullName, "kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" +
                // kustomize takes a base by relative path only.
                $"resources:\n  - {Path.GetRelativePath(site.FullName, DeployRepo.PathOf("deploy/overlays/production"))}\n" +
                "secretGenerator:\n  - name: voting-secrets\n    behavior: replace\n    envs:\n      - secrets.env\n");
            var objects = RenderedOverlay.Parse(DeployRepo.Kubectl(["kustomize", site.FullName]));
            var secret = Assert.Single(objects.OfType<V1Secret>());
            Assert.Equal(token, RenderedOverlay.SecretData(secret)["admin-token"]);
            var poll = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "poll");
            Assert.All(poll.Spec.Template.Spec.Containers.Single().Env.Where(e => e.ValueFrom?.SecretKeyRef is not null),
                e =>
                {
                    Assert.Equal(secret.Metadata.Name, e.ValueFrom.SecretKeyRef.Name);
                    Assert.True(RenderedOverlay.SecretData(secret).ContainsKey(e.ValueFrom.SecretKeyRef.Key), $"the README's secrets.env has no {e.ValueFrom.SecretKeyRef.Key}");
                });
        }
        finally
        {
            site.Delete(recursive: true);
        }

        // And the file such overlays use is ignored by git wherever it sits under deploy/.
        var ignore = File.ReadAllText(DeployRepo.PathOf(".gitignore"));
        Assert.Contains("deploy/**/secrets.env", ignore, StringComparison.Ordinal);
    }
}

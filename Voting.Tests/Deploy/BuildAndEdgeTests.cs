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
    public void Dockerfile_pins_current_bases_and_runs_the_voting_executable_as_a_numeric_user_on_8080()
    {
        var text = Dockerfile;
        var froms = Regex.Matches(text, @"^FROM (--platform=\S+ )?(\S+)", RegexOptions.Multiline).Select(m => m.Groups[2].Value).ToList();
        Assert.Equal(3, froms.Count);
        Assert.All(froms, f => Assert.DoesNotContain("latest", f, StringComparison.Ordinal));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Arg("DOTNET_SDK_VERSION"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Arg("DOTNET_RUNTIME_VERSION"));
        // Node's LTS line (20 is end of life).
        Assert.Matches(@"^22\.\d+\.\d+$", Arg("NODE_VERSION"));
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION}", froms);
        // A chiseled (shell-less, non-root) runtime; "extra" keeps ICU and time zones as on the test machines.
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION}-noble-chiseled-extra", froms);

        // The SDK image satisfies global.json (same major.minor, feature band at least the pinned one).
        using var global = JsonDocument.Parse(File.ReadAllText(DeployRepo.PathOf("global.json")));
        var wanted = Version.Parse(global.RootElement.GetProperty("sdk").GetProperty("version").GetString()!);
        var sdk = Version.Parse(Arg("DOTNET_SDK_VERSION"));
        Assert.True(sdk.Major == wanted.Major && sdk.Minor == wanted.Minor && sdk.Build >= wanted.Build, $"SDK {sdk} vs global.json {wanted}");
        var runtime = Version.Parse(Arg("DOTNET_RUNTIME_VERSION"));
        Assert.Equal((sdk.Major, sdk.Minor), (runtime.Major, runtime.Minor));
        // Never an older runtime patch than the one the tests run on.
        Assert.True(runtime >= new Version(Environment.Version.Major, Environment.Version.Minor, Environment.Version.Build), $"image runtime {runtime}, tests {Environment.Version}");

        // Build stages on the builder's platform, publishing for the target's: no emulated build.
        Assert.Equal(2, Regex.Count(text, @"^FROM --platform=\$BUILDPLATFORM ", RegexOptions.Multiline));
        Assert.Contains("dotnet publish Voting.Host/Voting.Host.csproj -c Release -o /app -a \"$arch\" --self-contained false", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER \$APP_UID$", text);
        Assert.Matches(@"(?m)^ENTRYPOINT \[""/app/voting""\]$", text);
        Assert.Matches(@"(?m)^EXPOSE 8080$", text);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", text, StringComparison.Ordinal);
        // The GC told its share of the container's limit, in the runtime's hexadecimal, as the manifests do (MemoryTests).
        Assert.Matches(@"DOTNET_GCHeapHardLimitPercent=0x[0-9A-Fa-f]+\b", text);
        Assert.Contains("org.opencontainers.image.title", text, StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.version", text, StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.revision", text, StringComparison.Ordinal);
        var lastStage = text[text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.Contains("aspnet", lastStage.Split('\n')[1], StringComparison.Ordinal);
        Assert.DoesNotContain("CMD ", lastStage, StringComparison.Ordinal);
        // A chiseled image has no shell: the last stage may not RUN anything.
        Assert.DoesNotMatch(@"(?m)^RUN ", lastStage);
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
}

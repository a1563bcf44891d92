using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Voting.Tests.Deploy;

/// <summary>docker-compose.yml gets the same cross-reference and smoke checks.</summary>
public sealed partial class ComposeTests
{
    private static readonly string[] Roles = ["poll", "worker", "result"];

    internal static Dictionary<string, object?> LoadYaml(string path)
    {
        var text = File.ReadAllText(path);
        return new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(text)
            ?? throw new Xunit.Sdk.XunitException($"{path} is empty");
    }

    internal static Dictionary<string, object?> Map(object? o, string what) =>
        o is Dictionary<object, object?> d ? d.ToDictionary(kv => (string)kv.Key, kv => kv.Value)
        : throw new Xunit.Sdk.XunitException($"{what} is not a mapping");

    internal static List<string> Strings(object? o) => o is List<object?> l ? [.. l.Select(x => x?.ToString() ?? "")] : [];

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)((?<op>:-|:\?)(?<arg>[^}]*))?\}")]
    private static partial Regex Variable();

    /// <summary>The .env deploy/compose/make-env.sh prints, as README.md's compose steps make it.</summary>
    internal static readonly Lazy<Dictionary<string, string>> DotEnv = new(() =>
        DeployRepo.Run("sh", [DeployRepo.PathOf("deploy/compose/make-env.sh")])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal));

    /// <summary>
    /// Compose's interpolation with the generated .env: ${VAR:-default} takes the default when
    /// .env has no VAR, ${VAR:?message} must be in .env (compose refuses to start otherwise).
    /// </summary>
    internal static string Interpolate(string value) => Variable().Replace(value, m =>
    {
        var name = m.Groups["name"].Value;
        if (DotEnv.Value.TryGetValue(name, out var set))
        {
            return set;
        }

        Assert.True(m.Groups["op"].Value != ":?", $"compose needs {name}, which deploy/compose/make-env.sh does not write");
        return m.Groups["arg"].Value;
    });

    /// <summary>Variables compose requires (no default): the secrets.</summary>
    internal static IReadOnlyList<string> Required(string text) =>
        [.. Variable().Matches(text).Where(m => m.Groups["op"].Value == ":?").Select(m => m.Groups["name"].Value).Distinct()];

    internal static Dictionary<string, object?> Services => Map(LoadYaml(DeployRepo.PathOf("docker-compose.yml"))["services"], "services");

    internal static ContainerSpec Spec(string service)
    {
        var s = Map(Services[service], service);
        var env = Map(s.GetValueOrDefault("environment"), $"{service}.environment")
            .Select(kv => (kv.Key, Interpolate(kv.Value?.ToString() ?? ""))).ToList();
        return new ContainerSpec(service, Strings(s.GetValueOrDefault("command")), env);
    }

    private static bool IsApp(Dictionary<string, object?> service) =>
        Interpolate(service.GetValueOrDefault("image")?.ToString() ?? "") == "voting:local";

    [Fact]
    public void Every_service_is_pinned_and_the_app_is_built_from_this_repository()
    {
        foreach (var (name, value) in Services)
        {
            var s = Map(value, name);
            var image = Interpolate(s["image"]!.ToString()!);
            Assert.DoesNotContain(":latest", image, StringComparison.Ordinal);
            if (IsApp(s))
            {
                // Built once, by migrate; the roles run that image and never pull or build it.
                if (name == "migrate")
                {
                    var build = Map(s["build"], $"{name}.build");
                    Assert.Equal(".", build["context"]);
                    Assert.True(File.Exists(DeployRepo.PathOf("Dockerfile")));
                }
                else
                {
                    Assert.False(s.ContainsKey("build"), $"{name} builds the image again");
                    Assert.Equal("never", s["pull_policy"]);
                }

                continue;
            }

            Assert.Matches(@":v?\d+\.\d+", image);
        }
    }

    [Fact]
    public void App_services_run_parsable_roles_with_known_settings()
    {
        var known = Voting.Host.SettingKeys.All.ToHashSet(StringComparer.Ordinal);
        var apps = Services.Where(kv => IsApp(Map(kv.Value, kv.Key))).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["migrate", "poll", "result", "worker"], apps);
        foreach (var name in apps)
        {
            var spec = Spec(name);
            var parse = Voting.Host.VotingCommandLine.Parse([.. spec.Args]);
            Assert.True(parse.Errors.Count == 0, $"{name}: [{string.Join(' ', spec.Args)}]: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            if (name == "migrate")
            {
                Assert.Equal(["migrate"], spec.Args);
            }
            else
            {
                Assert.Equal(["--role", name], spec.Args);
                Assert.True(Voting.Host.RoleSet.TryParse(name, out _, out var error), error);
                Assert.Contains(spec.Env, e => e.Name == "ASPNETCORE_HTTP_PORTS" && e.Value == "8080");
            }

            foreach (var (key, _) in spec.Env)
            {
                Assert.True(known.Contains(key), $"compose {name} sets {key}, which Voting.Host.SettingKeys.All does not list");
            }

            Assert.Equal(name is "poll" or "worker", spec.Env.Any(e => e.Name == "ConnectionStrings__Redis"));
            var s = Map(Services[name], name);
            Assert.True(s.GetValueOrDefault("read_only") is "true" or true, $"{name} should run read-only");
            if (name != "migrate")
            {
                var deps = Map(s["depends_on"], $"{name}.depends_on");
                Assert.Equal("service_completed_successfully", Map(deps["migrate"], "migrate")["condition"]);
            }
        }

        Assert.True(Spec("poll").Env.Single(e => e.Name == "Voting__AdminToken").Value.Length >= 32);
    }

    [Fact]
    public void Compose_has_no_default_secret_and_listens_on_loopback_unless_told()
    {
        var text = File.ReadAllText(DeployRepo.PathOf("docker-compose.yml"));
        Assert.Equal(["POSTGRES_PASSWORD", "REDIS_ADMIN_PASSWORD", "REDIS_PASSWORD", "VOTING_ADMIN_TOKEN", "VOTING_DATA_PROTECTION_KEY"], Required(text).Order(StringComparer.Ordinal));
        foreach (var secret in new[] { "POSTGRES_PASSWORD", "REDIS_PASSWORD", "VOTING_ADMIN_TOKEN", "VOTING_DATA_PROTECTION_KEY" })
        {
            Assert.DoesNotMatch($@"\$\{{{secret}:-", text);
        }

        Assert.True(DotEnv.Value["VOTING_ADMIN_TOKEN"].Length >= 32);
        var published = Services.Values.SelectMany(v => Strings(Map(v, "service").GetValueOrDefault("ports"))).ToList();
        Assert.All(published, p => Assert.True(p.StartsWith("127.0.0.1:", StringComparison.Ordinal) || p.StartsWith("${VOTING_LISTEN:-127.0.0.1}:", StringComparison.Ordinal), p));
        Assert.Contains(".env", File.ReadAllLines(DeployRepo.PathOf(".gitignore")));
    }

    [Fact]
    public void Compose_runs_one_result_and_says_so()
    {
        // Traefik's file provider sends to one address per service: a second result process would
        // split SignalR's negotiate from its connection. Neither the file nor the README may offer it.
        var text = File.ReadAllText(DeployRepo.PathOf("docker-compose.yml"));
        Assert.Contains("One result process", text, StringComparison.Ordinal);
        var result = Map(Services["result"], "result");
        Assert.False(result.ContainsKey("deploy"), "a replica count for result");
        var readme = File.ReadAllText(DeployRepo.PathOf("README.md"));
        Assert.DoesNotMatch(@"--scale\s+result", readme);
    }

    [Fact]
    public void Dependencies_and_mounted_files_exist()
    {
        foreach (var (name, value) in Services)
        {
            var s = Map(value, name);
            var deps = s.GetValueOrDefault("depends_on") switch
            {
                List<object?> l => l.Select(x => x!.ToString()!),
                Dictionary<object, object?> d => d.Keys.Select(k => (string)k),
                _ => [],
            };
            foreach (var dep in deps)
            {
                Assert.True(Services.ContainsKey(dep), $"{name} depends on {dep}, which is no service");
            }

            foreach (var volume in Strings(s.GetValueOrDefault("volumes")))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith("./", StringComparison.Ordinal))
                {
                    Assert.True(File.Exists(DeployRepo.PathOf(source[2..])), $"{name} mounts {source}, which does not exist");
                }
            }
        }
    }

    [Fact]
    public void Redis_and_PostgreSQL_keep_their_data_as_in_the_cluster()
    {
        var redis = Map(Services["redis"], "redis");
        Assert.Matches(@"/redis:(7\.[24]|8\.\d+)\.\d+", redis["image"]!.ToString()!);
        var args = string.Join(' ', Strings(redis["command"]));
        // The cluster's Redis command, word for word (passwords, ACL, persistence).
        var cluster = RenderedOverlay.Load("deploy/overlays/production").Get<k8s.Models.V1StatefulSet>("redis").Spec.Template.Spec.Containers.Single();
        Assert.Equal(cluster.Args.Single().Trim(), args.Replace("$$", "$", StringComparison.Ordinal).Trim());
        Assert.Contains("--appendonly yes", args, StringComparison.Ordinal);
        Assert.Contains("--maxmemory-policy noeviction", args, StringComparison.Ordinal);
        Assert.Matches(@"--maxmemory \d+", args);
        Assert.Contains(Strings(redis["volumes"]), v => v.EndsWith(":/data", StringComparison.Ordinal));

        var pg = Map(Services["postgres"], "postgres");
        var env = Map(pg["environment"], "postgres.environment");
        var mount = Strings(pg["volumes"]).Single().Split(':')[1];
        Assert.StartsWith(mount + "/", env["PGDATA"]!.ToString()!, StringComparison.Ordinal);
        var password = Interpolate(env["POSTGRES_PASSWORD"]!.ToString()!);
        foreach (var app in new[] { "migrate", "poll", "worker", "result" })
        {
            var conn = Spec(app).Env.Single(e => e.Name == "ConnectionStrings__Postgres").Value;
            Assert.Contains($"Password={password}", conn, StringComparison.Ordinal);
            Assert.StartsWith("Host=postgres;", conn, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Traefik_routes_as_in_the_cluster_to_services_that_exist()
    {
        var dynamic = LoadYaml(DeployRepo.PathOf("deploy/compose/dynamic.yml"));
        var http = Map(dynamic["http"], "http");
        var routers = Map(http["routers"], "routers");
        var middlewares = Map(http["middlewares"], "middlewares");
        var services = Map(http["services"], "services");
        foreach (var (name, value) in routers)
        {
            var r = Map(value, name);
            Assert.True(services.ContainsKey(r["service"]!.ToString()!), $"router {name} sends to a missing service");
            foreach (var m in Strings(r["middlewares"]))
            {
                Assert.True(middlewares.ContainsKey(m), $"router {name} uses a missing middleware {m}");
            }
        }

        Assert.Equal("PathPrefix(`/results`) || PathPrefix(`/api/results`) || PathPrefix(`/hubs`)", Map(routers["result"], "result")["rule"]);
        Assert.Equal("result", Map(routers["result"], "result")["service"]);
        Assert.Equal("PathPrefix(`/`) && !PathRegexp(`(?i)^/(metrics|healthz|readyz)(/|$)`)", Map(routers["poll"], "poll")["rule"]);
        Assert.Equal("poll", Map(routers["poll"], "poll")["service"]);
        Assert.True(int.Parse(Map(routers["result"], "r")["priority"]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture)
            > int.Parse(Map(routers["poll"], "p")["priority"]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture));

        foreach (var (name, value) in services)
        {
            var lb = Map(Map(value, name)["loadBalancer"], $"{name}.loadBalancer");
            foreach (var server in (List<object?>)lb["servers"]!)
            {
                var url = new Uri(Map(server, "server")["url"]!.ToString()!);
                Assert.True(Services.ContainsKey(url.Host), $"{name} points at {url.Host}, which is no compose service");
                Assert.Equal(["--role", name], Spec(url.Host).Args);
                Assert.Equal(url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Spec(url.Host).Env.Single(e => e.Name == "ASPNETCORE_HTTP_PORTS").Value);
            }

            Assert.Equal("/readyz", Map(lb["healthCheck"], "healthCheck")["path"]);
        }

        var sticky = Map(Map(Map(Map(services["result"], "result")["loadBalancer"], "lb")["sticky"], "sticky")["cookie"], "cookie");
        Assert.Equal("true", sticky["httpOnly"]!.ToString());

        // The app trusts X-Forwarded-For only from the compose network Traefik runs in.
        var compose = LoadYaml(DeployRepo.PathOf("docker-compose.yml"));
        var subnet = Map(((List<object?>)Map(Map(Map(compose["networks"], "networks")["default"], "default")["ipam"], "ipam")["config"]!)[0], "config")["subnet"];
        Assert.Equal(subnet, Spec("poll").Env.Single(e => e.Name == "Voting__TrustedProxies").Value);
    }

    [Fact]
    public void CAdvisor_mounts_the_host_read_only()
    {
        var c = Map(Services["cadvisor"], "cadvisor");
        Assert.Matches(@"^gcr\.io/cadvisor/cadvisor:v0\.\d+\.\d+$", c["image"]!.ToString()!);
        foreach (var v in Strings(c["volumes"]))
        {
            Assert.EndsWith(":ro", v, StringComparison.Ordinal);
            Assert.NotEqual("/", v.Split(':')[1]);
        }

        Assert.All(Strings(c["ports"]), p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }
}

[Collection("deploy-smoke")]
public sealed class ComposeSmokeTests
{
    [Fact]
    public async Task Compose_roles_and_migration_start_as_written_and_get_ready()
    {
        var roles = new[] { "poll", "worker", "result" }.Select(ComposeTests.Spec).ToList();
        await SmokeScenario.RunAsync("compose", ComposeTests.Spec("migrate"), roles, redisDb: 14);
    }
}

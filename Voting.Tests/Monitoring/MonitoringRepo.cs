using System.Diagnostics;
using Voting.Tests.Deploy;
using YamlDotNet.RepresentationModel;

namespace Voting.Tests.Monitoring;

/// <summary>The monitoring files in deploy/, rendered and parsed, and the promtool that checks them.</summary>
internal static class MonitoringRepo
{
    public const string PlainDir = "deploy/monitoring/prometheus";
    public const string StackDir = "deploy/monitoring/kube-prometheus-stack";
    public const string KedaExampleDir = "deploy/components/keda-worker-example";

    public static string PrometheusConfig => DeployRepo.PathOf("deploy", "monitoring", "prometheus", "prometheus.yml");

    public static string RulesFile => DeployRepo.PathOf("deploy", "monitoring", "prometheus", "rules", "voting.rules.yaml");

    public static string RulesTestFile => DeployRepo.PathOf("Voting.Tests", "Monitoring", "voting.rules.test.yaml");

    public static string Dashboard => DeployRepo.PathOf("deploy", "monitoring", "common", "voting-dashboard.json");

    public static string AdapterValues => DeployRepo.PathOf("deploy", "monitoring", "adapter", "values.yaml");

    /// <summary>Strict: an unknown field in any object, built-in or custom, throws.</summary>
    public static List<object> Parse(string yaml) => RenderedOverlay.Parse(yaml);

    public static List<object> Render(string dir) => Parse(DeployRepo.Render(dir));

    public static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The alert names the rules file defines.</summary>
    public static IReadOnlyList<string> AlertNames() =>
        [.. RuleEntries().Select(r => r.TryGetValue("alert", out var a) ? a : null).OfType<string>()];

    /// <summary>The recording rules' names.</summary>
    public static IReadOnlyList<string> RecordNames() =>
        [.. RuleEntries().Select(r => r.TryGetValue("record", out var a) ? a : null).OfType<string>()];

    /// <summary>Every rule of the rules file as its scalar fields (alert or record, expr, for).</summary>
    public static IEnumerable<Dictionary<string, string>> RuleEntries()
    {
        foreach (var group in (YamlSequenceNode)LoadYaml(RulesFile)["groups"])
        {
            foreach (var rule in (YamlSequenceNode)((YamlMappingNode)group)["rules"])
            {
                yield return ((YamlMappingNode)rule).Children
                    .Where(kv => kv.Value is YamlScalarNode)
                    .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "", StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Runs promtool (Debian's prometheus package; ./test.sh installs it) and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Promtool(params string[] args) => Run("promtool", args, TimeSpan.FromSeconds(120));

    public static (int ExitCode, string Output) Run(string program, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DeployRepo.Root,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{program} is not on PATH: install Debian's prometheus package (./test.sh does: apt-get install prometheus). {e.Message}", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}

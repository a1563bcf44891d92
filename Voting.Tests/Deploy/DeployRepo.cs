using System.Diagnostics;

namespace Voting.Tests.Deploy;

/// <summary>Paths in the repository and running kubectl to render kustomize directories.</summary>
internal static class DeployRepo
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Dictionary<string, string> Rendered = new(StringComparer.Ordinal);
    private static readonly Lock RenderLock = new();

    public static string Root => LazyRoot.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every kustomize directory that operators apply: all overlays and cAdvisor's.</summary>
    public static IReadOnlyList<string> KustomizeDirectories { get; } =
    [
        "deploy/overlays/dev",
        "deploy/overlays/production",
        "deploy/overlays/production-cloudnativepg",
        "deploy/cadvisor/base",
        "deploy/cadvisor/k3s",
        "deploy/monitoring/prometheus",
        "deploy/monitoring/kube-prometheus-stack",
        "deploy/monitoring/common",
        "deploy/components/keda-worker",
        "deploy/components/keda-worker-example",
    ];

    /// <summary>The overlays that deploy the app (cAdvisor's directories deploy only cAdvisor).</summary>
    public static IReadOnlyList<string> AppOverlays { get; } =
    [
        "deploy/overlays/dev",
        "deploy/overlays/production",
        "deploy/overlays/production-cloudnativepg",
    ];

    /// <summary>
    /// The production overlay with the KEDA component, as the example directory shows; rendered
    /// through a site (committed overlays name no image and hold no secrets).
    /// </summary>
    public const string KedaExample = "deploy/components/keda-worker-example";

    public static IReadOnlyList<string> ProductionOverlays { get; } =
    [
        "deploy/overlays/production",
        "deploy/overlays/production-cloudnativepg",
    ];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Voting.sln")) && Directory.Exists(Path.Combine(dir.FullName, "deploy")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (Voting.sln beside deploy/) above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// What an operator applies, once per directory per test run: an app overlay through a site
    /// overlay made by deploy/new-site.sh (README.md, "Install"), cAdvisor's directories as they are.
    /// </summary>
    public static string Render(string relativeDir)
    {
        lock (RenderLock)
        {
            if (Rendered.TryGetValue(relativeDir, out var cached))
            {
                return cached;
            }

            var text = AppOverlays.Contains(relativeDir) ? Kubectl(["kustomize", Site.Make(Path.GetFileName(relativeDir)).Directory])
                : relativeDir == KedaExample ? Kubectl(["kustomize", Site.Make("production").WithComponent("deploy/components/keda-worker")])
                : Kubectl(["kustomize", PathOf(relativeDir)]);
            Rendered[relativeDir] = text;
            return text;
        }
    }

    /// <summary>`kubectl kustomize DIR` of a committed directory as it is, without a site.</summary>
    public static string RenderCommitted(string relativeDir) => Kubectl(["kustomize", PathOf(relativeDir)]);

    /// <summary>Runs kubectl; a missing kubectl fails the test with a message that says so.</summary>
    public static string Kubectl(IReadOnlyList<string> args, string? workingDirectory = null) => Run("kubectl", args, workingDirectory);

    /// <summary>Runs a program to its end; a non-zero exit throws with its standard error.</summary>
    public static string Run(string program, IReadOnlyList<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e) when (program == "kubectl")
        {
            throw new InvalidOperationException(
                "kubectl is not on PATH. The deploy checks render the kustomize overlays with `kubectl kustomize`; " +
                "install kubectl (1.27 or newer) to run them. " + e.Message, e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 120 s");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
            }

            return stdout.Result;
        }
    }
}

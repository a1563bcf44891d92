using System.Net;
using k8s.Models;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Deploy;

[CollectionDefinition("deploy-smoke", DisableParallelization = true)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "xunit finds collection definitions only among public types.")]
public sealed class DeploySmokeCollection;

/// <summary>Every Deployment and the migration Job, started as rendered, gets ready.</summary>
[Collection("deploy-smoke")]
public sealed class ManifestSmokeTests
{
    public static TheoryData<string, int> Overlays => new()
    {
        { "deploy/overlays/dev", 11 },
        { "deploy/overlays/production", 12 },
        { "deploy/overlays/production-cloudnativepg", 13 },
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Roles_and_migration_start_as_rendered_and_get_ready(string dir, int redisDb)
    {
        var o = RenderedOverlay.Load(dir);
        var roles = o.OfType<V1Deployment>()
            .Where(d => d.Spec.Template.Spec.Containers.Any(c => RenderedOverlay.IsAppImage(c.Image)))
            .Select(d => Spec(o, d.Metadata.Name, d.Metadata.NamespaceProperty, d.Spec.Template.Spec.Containers.Single()))
            .ToList();
        var job = o.OfType<V1Job>().Single();
        var migrate = Spec(o, "migrate", job.Metadata.NamespaceProperty, job.Spec.Template.Spec.Containers.Single());
        await SmokeScenario.RunAsync(Path.GetFileName(dir).Replace('-', '_'), migrate, roles, redisDb);
    }

    private static ContainerSpec Spec(RenderedOverlay o, string name, string ns, V1Container c)
    {
        Assert.Null(c.Command); // the image's entrypoint runs, with these args
        return new ContainerSpec(name, [.. c.Args ?? []], o.ResolveEnvironment(ns, c));
    }
}

internal static class SmokeScenario
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string label, ContainerSpec migrate, IReadOnlyList<ContainerSpec> roles, int redisDb)
    {
        Assert.Equal(["poll", "result", "worker"], roles.Select(r => r.Name).Order(StringComparer.Ordinal));
        var database = await AppSmoke.CreateDatabaseAsync("deploy_" + label);
        var running = new List<AppProcess>();
        try
        {
            // A role started before the migration is alive but not ready: it waits, it does not crash.
            var result = roles.Single(r => r.Name == "result");
            var early = StartRole(result, database, redisDb);
            running.Add(early);
            await early.WaitForOkAsync("/healthz", StartTimeout);
            Assert.NotEqual(HttpStatusCode.OK, await early.GetStatusAsync("/readyz"));

            // The Job's command, twice: migrating is idempotent.
            for (var i = 0; i < 2; i++)
            {
                var port = AppProcess.FreePort();
                await using var job = AppSmoke.Start(migrate, AppSmoke.Rewrite(migrate, database, redisDb, port), port);
                var code = await job.WaitForExitAsync(TimeSpan.FromSeconds(120));
                Assert.True(code == 0, $"{label}: migrate run {i + 1} exited {code}:\n{job.Output}");
            }

            await early.WaitForOkAsync("/readyz", StartTimeout);
            foreach (var role in roles.Where(r => r.Name != "result"))
            {
                running.Add(StartRole(role, database, redisDb));
            }

            foreach (var p in running)
            {
                await p.WaitForOkAsync("/readyz", StartTimeout);
                // Each answers within the deadline, not necessarily at the first 2 s try: a first
                // scrape compiles the exporter, which on a loaded two-core machine can take longer.
                await p.WaitForOkAsync("/healthz", StartTimeout);
                await p.WaitForOkAsync("/metrics", StartTimeout);
            }

            // SIGTERM: each role stops well inside the pod's grace period (40 s, 5 s of it the preStop pause).
            var exitCodes = await Task.WhenAll(running.Select(p => p.TerminateAsync(TimeSpan.FromSeconds(30))));
            Assert.All(exitCodes, code => Assert.Equal(0, code));
        }
        finally
        {
            foreach (var p in running)
            {
                await p.DisposeAsync();
            }

            await AppSmoke.DropDatabaseAsync(database);
        }
    }

    private static AppProcess StartRole(ContainerSpec spec, string database, int redisDb)
    {
        var port = AppProcess.FreePort();
        return AppSmoke.Start(spec, AppSmoke.Rewrite(spec, database, redisDb, port), port);
    }
}

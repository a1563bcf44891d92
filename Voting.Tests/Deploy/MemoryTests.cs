using System.Globalization;
using System.Text.Json;
using k8s.Models;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Deploy;

/// <summary>
/// Each role's memory as docs/performance.md ("memory") measured it: the container's limit, the GC
/// told its share of that limit, and the runtime settings the image publishes with.
/// </summary>
public sealed class MemoryTests
{
    public static TheoryData<string> AppOverlays => [.. DeployRepo.AppOverlays];

    private static readonly string[] Roles = ["poll", "worker", "result"];

    private const long MiB = 1024 * 1024;

    [Theory]
    [MemberData(nameof(AppOverlays))]
    public void Every_role_has_a_memory_limit_and_the_GC_takes_a_share_of_it_that_leaves_room_for_the_rest(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        foreach (var d in o.OfType<V1Deployment>().Where(d => Roles.Contains(d.Metadata.Name)))
        {
            var c = d.Spec.Template.Spec.Containers.Single();
            var name = $"{dir}: {d.Metadata.Name}";
            var limitQuantity = Memory(c.Resources?.Limits);
            var requestQuantity = Memory(c.Resources?.Requests);
            Assert.True(limitQuantity is not null, $"{name} has no memory limit");
            Assert.True(requestQuantity is not null, $"{name} has no memory request");
            var limit = limitQuantity.ToInt64();
            var request = requestQuantity.ToInt64();
            Assert.True(request <= limit, $"{name}: request {request / MiB} MiB above its limit {limit / MiB} MiB");
            // An idle role is 95-120 MiB resident (docs/performance.md): a request below that is a lie to the scheduler.
            Assert.True(request >= 128 * MiB, $"{name}: request {request / MiB} MiB is below an idle role's footprint");

            // The runtime reads DOTNET_ GC settings as hexadecimal: 0x32 is 50 %, "50" would be 80 %.
            var env = c.Env?.SingleOrDefault(e => e.Name == "DOTNET_GCHeapHardLimitPercent");
            Assert.True(env is not null, $"{name} does not tell the GC its share of the container's limit");
            Assert.StartsWith("0x", env.Value, StringComparison.Ordinal);
            var percent = int.Parse(env.Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.InRange(percent, 10, 75);
            var heap = limit * percent / 100;
            // The managed heap peaked at 5-25 MiB under the bench's loads; the rest of a role (runtime,
            // JIT code, mapped assemblies, socket buffers) at 110-130 MiB, 150 with 1,000 viewers.
            Assert.True(heap >= 64 * MiB, $"{name}: the GC may use {heap / MiB} MiB, less than the 64 MiB floor");
            Assert.True(limit - heap >= 128 * MiB, $"{name}: {(limit - heap) / MiB} MiB left outside the GC's share, less than the runtime's own 128 MiB");
            Assert.DoesNotContain(c.Env!, e => e.Name is "DOTNET_GCHeapHardLimit" or "DOTNET_gcServer");
        }
    }

    private static ResourceQuantity? Memory(IDictionary<string, ResourceQuantity>? quantities) =>
        quantities is not null && quantities.TryGetValue("memory", out var quantity) ? quantity : null;

    [Fact]
    public void The_published_app_runs_workstation_GC_with_background_GC_conserving_memory_without_tiered_PGO()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.AppDirectory, "voting.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        // Background GC on: off, the result role with 1,000 viewers peaked 40-50 MiB higher (docs/performance.md).
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.Equal("5", properties.GetProperty("System.GC.ConserveMemory").ToString());
    }
}

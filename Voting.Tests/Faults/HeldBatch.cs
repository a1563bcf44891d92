using StackExchange.Redis;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Faults;

/// <summary>
/// Signals a worker process while it holds entries read and not yet acknowledged, the state the
/// kill and shutdown tests are about: freeze it (SIGSTOP), look at its pending entries, and signal it
/// only if it holds some, or let it go on and look again a moment later. Frozen, it cannot
/// acknowledge between the look and the signal.
/// </summary>
internal static class HeldBatch
{
    /// <summary>SIGKILL while the worker holds entries; returns how many it held.</summary>
    public static Task<long> KillAsync(AppProcess worker, IDatabase redis, string streamKey) =>
        SignalAsync(worker, redis, streamKey, worker.KillAsync, resume: false);

    /// <summary>SIGTERM while the worker holds entries, handled once it runs again; returns how many it held.</summary>
    public static Task<long> TerminateAsync(AppProcess worker, IDatabase redis, string streamKey) =>
        SignalAsync(worker, redis, streamKey, () => worker.SignalAsync("TERM"), resume: true);

    private static async Task<long> SignalAsync(AppProcess worker, IDatabase redis, string streamKey, Func<Task> signal, bool resume)
    {
        // A worker names its consumer after the host and its process id.
        var consumer = $"{Environment.MachineName}-{worker.Id}";
        var held = 0L;
        await Eventually.WaitAsync(async () =>
        {
            await worker.SignalAsync("STOP");
            var pending = await redis.StreamPendingAsync(streamKey, "workers");
            held = pending.Consumers.FirstOrDefault(c => c.Name == consumer).PendingMessageCount;
            if (held > 0)
            {
                await signal();
                if (!resume)
                {
                    return true;
                }
            }
            await worker.SignalAsync("CONT");
            return held > 0;
        }, TimeSpan.FromSeconds(120), $"worker {consumer} to hold pending entries");
        return held;
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Worker;

/// <summary>
/// Moves votes from the stream into PostgreSQL: read a batch, store it in one transaction, then
/// acknowledge it. An entry is acknowledged only after its vote is committed, so a worker killed at
/// any point leaves its entries pending, to be re-read on restart or claimed by another worker.
/// </summary>
internal sealed class VoteWorker(
    VoteStream stream,
    VoteWriter writer,
    KnownOptions known,
    NpgsqlDataSource dataSource,
    Telemetry telemetry,
    IOptions<WorkerSettings> options,
    ILogger<VoteWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ClaimEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HousekeepingEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly WorkerSettings _settings = options.Value;

    /// <summary>Unique per process, so a restarted worker is a new consumer and its old one can be claimed from.</summary>
    public string Consumer { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Worker {Consumer} starting on stream group {Group}", Consumer, stream.Group);
        var readOwnPending = true;
        var idleDelay = TimeSpan.Zero;
        var backoff = TimeSpan.Zero;
        var groupReady = false;
        var nextClaim = DateTime.UtcNow;
        var nextHousekeeping = DateTime.UtcNow;
        var nextConsumerCleanup = DateTime.UtcNow.AddSeconds(30);
        // While a full batch is being written, the next one is read and written beside it on a second
        // connection: a worker otherwise spends most of its time waiting for one upsert at a time.
        // Two at most; each is acknowledged only after its own commit. Several workers already write
        // at once, so the invariants hold (versions decide, triggers move tallies, batches are sorted).
        Task<int>? inFlight = null;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await stream.EnsureGroupAsync();
                    groupReady = true;
                }
                var now = DateTime.UtcNow;
                if (inFlight is not null && (readOwnPending || now >= nextHousekeeping || now >= nextClaim))
                {
                    // Pending re-reads, claims and trimming see every started batch finished.
                    var finished = inFlight;
                    inFlight = null;
                    await finished;
                }
                if (now >= nextHousekeeping)
                {
                    nextHousekeeping = now + HousekeepingEvery;
                    await HousekeepAsync(now >= nextConsumerCleanup);
                    if (now >= nextConsumerCleanup)
                    {
                        nextConsumerCleanup = now.AddSeconds(60);
                    }
                }

                int handled;
                if (readOwnPending)
                {
                    // After a start or a failed batch: our own unacknowledged entries come first.
                    handled = await ProcessAsync(await stream.ReadAsync(Consumer, _settings.BatchSize, pending: true));
                    readOwnPending = handled > 0;
                }
                else if (now >= nextClaim)
                {
                    nextClaim = now + ClaimEvery;
                    handled = await ClaimAbandonedAsync(stoppingToken);
                }
                else
                {
                    var entries = await stream.ReadAsync(Consumer, _settings.BatchSize, pending: false);
                    var previous = inFlight;
                    // Tracked from the start, so a failure of the previous batch still waits for it.
                    inFlight = ProcessAsync(entries);
                    handled = previous is null ? 0 : await previous;
                    if (entries.Length == _settings.BatchSize && !stoppingToken.IsCancellationRequested)
                    {
                        // A full batch: more are likely waiting, so read the next while this one is written.
                        handled += entries.Length;
                    }
                    else
                    {
                        var current = inFlight;
                        inFlight = null;
                        handled += await current;
                    }
                }

                backoff = TimeSpan.Zero;
                if (handled > 0 || readOwnPending)
                {
                    idleDelay = TimeSpan.Zero;
                    continue;
                }
                // Nothing to do: wait a little, a little longer each time, up to a cap. A blocking
                // read would stall every other command on the shared Redis connection.
                idleDelay = idleDelay == TimeSpan.Zero ? TimeSpan.FromMilliseconds(2)
                    : TimeSpan.FromMilliseconds(Math.Min(idleDelay.TotalMilliseconds * 2, _settings.MaxIdleDelayMilliseconds));
                await Task.Delay(idleDelay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A batch still being written finishes (or fails) before our pending entries are re-read.
                await ObserveAsync(inFlight);
                inFlight = null;
                readOwnPending = true;
                if (e is RedisServerException && e.Message.Contains("NOGROUP", StringComparison.Ordinal))
                {
                    groupReady = false;
                }
                if (e is NpgsqlException)
                {
                    // Connections in the pool died with the server; start afresh when it is back.
                    dataSource.Clear();
                }
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100)
                    : TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, MaxBackoff.TotalMilliseconds));
                logger.LogWarning("Worker pass failed ({Error}: {Message}); retrying in {Delay} ms",
                    e.GetType().Name, e.Message, (int)backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        // Stopping: a batch already started is finished and acknowledged.
        await ObserveAsync(inFlight);
        logger.LogInformation("Worker {Consumer} stopped", Consumer);
    }

    private async Task ObserveAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }
        try
        {
            await task;
        }
        catch (Exception e)
        {
            // Its entries stay pending: re-read by this worker or claimed by another.
            logger.LogWarning("A batch written alongside failed ({Error}: {Message}); its entries stay pending", e.GetType().Name, e.Message);
        }
    }

    /// <summary>Stores one batch and acknowledges it. Not cancellable: a started batch is finished.</summary>
    internal async Task<int> ProcessAsync(StreamEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return 0;
        }
        var started = Stopwatch.GetTimestamp();
        var batch = VoteBatch.Parse(entries);
        if (batch.Votes.Exists(v => !known.Contains(v.Vote)))
        {
            await known.ReloadAsync(CancellationToken.None);
            batch.RejectUnknown(known.Contains);
        }
        var written = await writer.WriteAsync(batch.Collapse(), batch.Closes, CancellationToken.None);
        foreach (var (entry, reason) in batch.Rejected)
        {
            logger.LogWarning("Stream entry {EntryId} moved to the dead-letter stream: {Reason}", entry.Id.ToString(), reason);
            await stream.DeadLetterAsync(entry, reason);
            telemetry.DeadLetters.Add(1);
        }
        await stream.AckAsync(batch.Ids);
        telemetry.VotesWritten.Add(written);
        telemetry.BatchSize.Record(entries.Length);
        telemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return entries.Length;
    }

    /// <summary>Takes over entries that a dead consumer left pending longer than the claim idle time.</summary>
    private async Task<int> ClaimAbandonedAsync(CancellationToken stoppingToken)
    {
        var minIdle = TimeSpan.FromSeconds(_settings.ClaimIdleSeconds);
        RedisValue start = "0-0";
        var total = 0;
        do
        {
            var claimed = await stream.ClaimAsync(Consumer, minIdle, start, _settings.BatchSize);
            if (claimed.ClaimedEntries.Length > 0)
            {
                logger.LogInformation("Claimed {Count} entries left pending by other consumers", claimed.ClaimedEntries.Length);
                total += await ProcessAsync(claimed.ClaimedEntries);
            }
            start = claimed.NextStartId;
        }
        while (start != "0-0" && !stoppingToken.IsCancellationRequested);
        return total;
    }

    private async Task HousekeepAsync(bool removeIdleConsumers)
    {
        await stream.TrimAcknowledgedAsync();
        var stats = await stream.StatsAsync();
        telemetry.RecordStream(stats.Length, stats.Pending, stats.Lag);
        if (removeIdleConsumers)
        {
            var removed = await stream.RemoveIdleConsumersAsync(Consumer, TimeSpan.FromSeconds(_settings.RemoveIdleConsumersAfterSeconds));
            if (removed > 0)
            {
                logger.LogInformation("Removed {Count} idle consumers from the group", removed);
            }
        }
    }
}

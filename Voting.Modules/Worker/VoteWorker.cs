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
    KnownChoices known,
    NpgsqlDataSource dataSource,
    Telemetry telemetry,
    TimeProvider time,
    IOptions<WorkerSettings> options,
    ILogger<VoteWorker> logger) : BackgroundService
{
    private readonly WorkerSettings _settings = options.Value;
    private readonly Every _claims = new(TimeSpan.FromSeconds(5), time);
    private readonly Every _housekeeping = new(TimeSpan.FromSeconds(1), time);
    private readonly Every _consumerCleanup = new(TimeSpan.FromSeconds(60), time, firstAfter: TimeSpan.FromSeconds(30));
    // Nothing to read: a few milliseconds, growing while idle. A blocking read would stall every
    // other command on the shared Redis connection.
    private readonly Backoff _idle = new(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(options.Value.MaxIdleDelayMilliseconds));
    private readonly Backoff _errors = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    private bool _groupReady;
    private bool _readOwnPending = true;
    // While a full batch is being written, the next one is read and written beside it on a second
    // connection: a worker otherwise spends most of its time waiting for one upsert at a time.
    // Two at most; each is acknowledged only after its own commit. Several workers already write
    // at once, so the invariants hold (versions decide, triggers move tallies, batches are sorted).
    private Task<int>? _inFlight;

    /// <summary>Unique per process, so a restarted worker is a new consumer and its old one can be claimed from.</summary>
    public string Consumer { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Worker {Consumer} starting on stream group {Group}", Consumer, stream.Group);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
                _errors.Reset();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                await RecoverAsync(e);
                logger.LogWarning("Worker pass failed ({Error}: {Message}); retrying in {Delay} ms",
                    e.GetType().Name, e.Message, (int)_errors.Next().TotalMilliseconds);
                if (!await _errors.WaitAsync(time, stoppingToken))
                {
                    break;
                }
            }
        }
        // Stopping: a batch already started is finished and acknowledged.
        await ObserveAsync(_inFlight);
        logger.LogInformation("Worker {Consumer} stopped", Consumer);
    }

    /// <summary>One turn: housekeeping when due, then our own pending entries, a claim, or the next batches.</summary>
    private async Task PassAsync(CancellationToken stoppingToken)
    {
        if (!_groupReady)
        {
            await stream.EnsureGroupAsync();
            _groupReady = true;
        }
        if (_inFlight is not null && (_readOwnPending || _housekeeping.IsDue || _claims.IsDue))
        {
            // Pending re-reads, claims and trimming see every started batch finished.
            var finished = _inFlight;
            _inFlight = null;
            await finished;
        }
        if (_housekeeping.TakeIfDue())
        {
            await HousekeepAsync(removeIdleConsumers: _consumerCleanup.TakeIfDue());
        }
        var handled = _readOwnPending ? await ReadOwnPendingAsync()
            : _claims.TakeIfDue() ? await ClaimAbandonedAsync(stoppingToken)
            : await ReadPipelinedAsync(stoppingToken);
        if (handled > 0 || _readOwnPending)
        {
            _idle.Reset();
            return;
        }
        await Task.Delay(_idle.Next(), time, stoppingToken);
    }

    /// <summary>After a start or a failed batch: our own unacknowledged entries come first.</summary>
    private async Task<int> ReadOwnPendingAsync()
    {
        var handled = await ProcessAsync(await stream.ReadAsync(Consumer, _settings.BatchSize, pending: true));
        _readOwnPending = handled > 0;
        return handled;
    }

    /// <summary>
    /// Reads new entries and starts writing them. A full batch is left in flight (more are likely
    /// waiting: the next read goes on beside it); a partial one is finished before returning.
    /// </summary>
    private async Task<int> ReadPipelinedAsync(CancellationToken stoppingToken)
    {
        var entries = await stream.ReadAsync(Consumer, _settings.BatchSize, pending: false);
        var previous = _inFlight;
        // Tracked from the start, so a failure of the previous batch still waits for it.
        _inFlight = ProcessAsync(entries);
        var handled = previous is null ? 0 : await previous;
        if (entries.Length == _settings.BatchSize && !stoppingToken.IsCancellationRequested)
        {
            return handled + entries.Length;
        }
        var current = _inFlight;
        _inFlight = null;
        return handled + await current;
    }

    /// <summary>After a failed pass: the batch beside it settles, our pending entries are read again, dead connections go.</summary>
    private async Task RecoverAsync(Exception e)
    {
        await ObserveAsync(_inFlight);
        _inFlight = null;
        _readOwnPending = true;
        if (e is RedisServerException && e.Message.Contains("NOGROUP", StringComparison.Ordinal))
        {
            _groupReady = false;
        }
        if (e is NpgsqlException)
        {
            // Connections in the pool died with the server; start afresh when it is back.
            dataSource.Clear();
        }
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
        var started = time.GetTimestamp();
        var batch = VoteBatch.Parse(entries);
        if (batch.Votes.Exists(v => !known.Contains(v.Vote)))
        {
            await known.ReloadAsync(CancellationToken.None);
        }
        batch.Fit(known.Fit);
        var written = await writer.WriteAsync(batch.Rows(), batch.Closes, CancellationToken.None);
        foreach (var (entry, reason) in batch.Rejected)
        {
            logger.LogWarning("Stream entry {EntryId} moved to the dead-letter stream: {Reason}", entry.Id.ToString(), reason);
            await stream.DeadLetterAsync(entry, reason);
            telemetry.DeadLetters.Add(1);
        }
        await stream.AckAsync(batch.Ids);
        telemetry.VotesWritten.Add(written);
        telemetry.BatchSize.Record(entries.Length);
        telemetry.BatchDuration.Record(time.GetElapsedTime(started).TotalSeconds);
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

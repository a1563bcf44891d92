using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Voting.Storage;

namespace Voting.Result;

/// <summary>
/// Listens for changed polls on a dedicated PostgreSQL connection and pushes fresh snapshots to
/// each poll's viewers, coalesced so that one poll is pushed at most once per push interval however
/// many batches land meanwhile. After a lost connection it re-reads every watched poll, since
/// notifications sent while it was away are gone.
/// </summary>
internal sealed class ResultsBroadcaster(
    IOptions<StorageSettings> storage,
    NpgsqlDataSource dataSource,
    ResultStore results,
    Subscriptions subscriptions,
    IHubContext<ResultsHub> hub,
    Telemetry telemetry,
    TimeProvider time,
    IOptions<ResultSettings> options,
    EventWatch events,
    ILogger<ResultsBroadcaster> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);
    // When each poll was last pushed (a TimeProvider timestamp). Only the last interval's pushes
    // matter (an older one no longer holds a push back), so older entries are dropped as it goes.
    private readonly Dictionary<string, long> _lastPush = new(StringComparer.Ordinal);
    // Polls with a timer still to run out, and when: a poll that closes by itself changes (closed,
    // and perhaps visible) with no vote and no notification, so the broadcaster pushes it then.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deadlines = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    // Events whose live poll may have changed: each is read again and, if the phones must follow,
    // told to its group at once (no push interval: a switch is one message per phone).
    private readonly ConcurrentDictionary<string, byte> _dirtyEvents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _eventSignal = new(0);
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(options.Value.PushIntervalMilliseconds);

    public void MarkChanged(string pollId)
    {
        if (IsWatched(pollId) && _dirty.TryAdd(pollId, 0))
        {
            _signal.Release();
        }
    }

    /// <summary>A poll with a results page open here, or live in an event followed here.</summary>
    private bool IsWatched(string pollId) => subscriptions.IsWatched(pollId) || events.IsLive(pollId);

    public void MarkEventChanged(string eventId)
    {
        if (_dirtyEvents.TryAdd(eventId, 0))
        {
            _eventSignal.Release();
        }
    }

    /// <summary>Notes a watched poll's timer from a snapshot read, so the poll is pushed again when it runs out.</summary>
    public void Track(PollResults snapshot)
    {
        if (snapshot.ClosesAt is { } at && at > snapshot.AsOf && !snapshot.Closed)
        {
            if (!_deadlines.TryGetValue(snapshot.PollId, out var known) || known != at)
            {
                _deadlines[snapshot.PollId] = at;
                _signal.Release();
            }
        }
        else
        {
            _deadlines.TryRemove(snapshot.PollId, out _);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), PushAsync(stoppingToken), PushEventsAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var reconnect = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Its own connection, outside the pool: LISTEN belongs to one session for its lifetime.
                var listenOnly = new NpgsqlConnectionStringBuilder(storage.Value.Postgres) { Pooling = false, KeepAlive = 30 };
                await using var connection = new NpgsqlConnection(listenOnly.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == EventStore.ChangeChannel)
                    {
                        MarkEventChanged(e.Payload);
                    }
                    else
                    {
                        MarkChanged(e.Payload);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {StorageSettings.ChangeChannel}; LISTEN {EventStore.ChangeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                reconnect.Reset();
                foreach (var pollId in subscriptions.WatchedPolls)
                {
                    MarkChanged(pollId);
                }
                foreach (var eventId in events.FollowedEvents)
                {
                    MarkEventChanged(eventId);
                }
                logger.LogInformation("Listening for result changes");
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                dataSource.Clear();
                logger.LogWarning("Result change listener lost its connection ({Message}); reconnecting in {Delay} ms", e.Message, (int)reconnect.Next().TotalMilliseconds);
                if (!await reconnect.WaitAsync(time, stoppingToken))
                {
                    break;
                }
            }
        }
    }

    private async Task PushAsync(CancellationToken stoppingToken)
    {
        var wait = Timeout.InfiniteTimeSpan;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            wait = DueDeadlines();
            var now = time.GetTimestamp();
            ForgetOldPushes(now);
            foreach (var pollId in _dirty.Keys)
            {
                if (_lastPush.TryGetValue(pollId, out var last) && time.GetElapsedTime(last, now) < _interval)
                {
                    var untilDue = _interval - time.GetElapsedTime(last, now);
                    wait = wait == Timeout.InfiniteTimeSpan || untilDue < wait ? untilDue : wait;
                    continue;
                }
                _dirty.TryRemove(pollId, out _);
                if (!IsWatched(pollId))
                {
                    continue;
                }
                _lastPush[pollId] = now;
                if (!await PushOneAsync(pollId, stoppingToken))
                {
                    // Keep it dirty and try again after an interval: the database may be back.
                    _dirty.TryAdd(pollId, 0);
                    wait = _interval * 5;
                }
            }
        }
    }

    /// <summary>Marks the polls whose timer has run out as changed; returns the wait until the next timer.</summary>
    private TimeSpan DueDeadlines()
    {
        var wait = Timeout.InfiniteTimeSpan;
        var now = time.GetUtcNow();
        foreach (var (pollId, at) in _deadlines)
        {
            if (at <= now)
            {
                _deadlines.TryRemove(KeyValuePair.Create(pollId, at));
                MarkChanged(pollId);
            }
            else if (wait == Timeout.InfiniteTimeSpan || at - now < wait)
            {
                wait = at - now;
            }
        }
        return wait;
    }

    private void ForgetOldPushes(long now)
    {
        foreach (var (pollId, last) in _lastPush)
        {
            if (time.GetElapsedTime(last, now) >= _interval)
            {
                _lastPush.Remove(pollId);
            }
        }
    }

    /// <summary>How many polls' last push this process remembers (for tests: it must not grow with every poll ever pushed).</summary>
    internal int RememberedPushes => _lastPush.Count;

    private async Task<bool> PushOneAsync(string pollId, CancellationToken stoppingToken)
    {
        try
        {
            var snapshot = await results.ReadAsync(pollId, stoppingToken);
            if (snapshot is not null)
            {
                Track(snapshot);
                foreach (var eventId in events.ShowingOutdated(snapshot))
                {
                    MarkEventChanged(eventId);
                }
                var eventGroups = events.ResultGroupsFor(pollId);
                var clients = eventGroups.Count == 0 ? hub.Clients.Group(Subscriptions.Group(pollId)) : hub.Clients.Groups([Subscriptions.Group(pollId), .. eventGroups]);
                await clients.SendAsync(ResultsHub.ResultsMessage, ResultsHub.Message(snapshot), stoppingToken);
                telemetry.ResultPushes.Add(1);
            }
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not push results of poll {PollId}: {Message}", pollId, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Tells each changed event's phones its new live poll (and its presenters the poll's results),
    /// as soon as PostgreSQL notifies: one read of the event and its poll, one send to the group.
    /// </summary>
    private async Task PushEventsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _eventSignal.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            foreach (var eventId in _dirtyEvents.Keys)
            {
                _dirtyEvents.TryRemove(eventId, out _);
                try
                {
                    if (await events.RefreshAsync(eventId, stoppingToken) is not ({ } live, true))
                    {
                        continue;
                    }
                    await hub.Clients.Group(EventWatch.Group(live.Id)).SendAsync(EventHub.EventMessageName, live.Message(), stoppingToken);
                    telemetry.ResultPushes.Add(1);
                    if (live.LivePollId is { } pollId && await results.ReadAsync(pollId, stoppingToken) is { } snapshot)
                    {
                        Track(snapshot);
                        await hub.Clients.Group(EventWatch.ResultsGroup(live.Id)).SendAsync(ResultsHub.ResultsMessage, ResultsHub.Message(snapshot), stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Keep it dirty and try again shortly: the database may be back.
                    logger.LogWarning("Could not push event {EventId}: {Message}", eventId, e.Message);
                    _dirtyEvents.TryAdd(eventId, 0);
                    _ = RetryEventsLaterAsync(stoppingToken);
                }
            }
        }
    }

    private async Task RetryEventsLaterAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(_interval * 5, time, stoppingToken);
            _eventSignal.Release();
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public override void Dispose()
    {
        _eventSignal.Dispose();
        _signal.Dispose();
        base.Dispose();
    }
}

using System.Collections.Concurrent;
using Voting.Storage;

namespace Voting.Result;

/// <summary>An event as the hub shows it: its live poll as <c>GET /api/polls/{id}</c> answers, or none.</summary>
internal sealed record LiveEvent(string Id, string Code, string? LivePollId, PollView? Poll, bool Closed)
{
    public EventMessage Message() => new(Code, LivePollId, Poll) { Closed = Closed };
}

/// <summary>
/// The events this result process's connections follow: each one's live poll, read once and then
/// kept up to date from PostgreSQL's notifications (<see cref="ResultsBroadcaster"/>), so a room of
/// ten thousand phones subscribing costs one read, and a switch costs one read and one group send.
/// Lookups of codes not seen yet share one query per code and are budgeted
/// (<see cref="LookupsPerSecond"/>), so made-up codes cost a bounded number of queries and no memory.
/// </summary>
internal sealed class EventWatch(EventStore events, PollStore polls, TimeProvider time, Telemetry telemetry)
{
    public const int LookupsPerSecond = 50;

    /// <summary>Events one connection may follow: a page follows one; the bound keeps a client from growing our state.</summary>
    public const int MaxPerConnection = 5;

    private readonly ConcurrentDictionary<string, LiveEvent> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _idByCode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<LiveEvent?>> _lookups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _followers = new(StringComparer.Ordinal);
    private readonly LookupBudget _budget = new(LookupsPerSecond, time);

    /// <summary>The group that gets an event's <c>event</c> messages.</summary>
    public static string Group(string eventId) => "event:" + eventId;

    /// <summary>The group that also gets the live poll's <c>results</c> messages.</summary>
    public static string ResultsGroup(string eventId) => "event-results:" + eventId;

    /// <summary>The open event with this code (any case); null for an unknown, closed or made-up code, or when the lookup budget is spent.</summary>
    public async Task<LiveEvent?> FindAsync(string? code, CancellationToken cancellationToken)
    {
        if (EventCodes.Normalize(code) is not { } normalized)
        {
            return null;
        }
        // A closed event's code may be given to a new event: it is looked up again.
        if (_idByCode.TryGetValue(normalized, out var id) && _byId.TryGetValue(id, out var known) && !known.Closed)
        {
            return known;
        }
        if (_lookups.TryGetValue(normalized, out var running))
        {
            return await running.WaitAsync(cancellationToken);
        }
        if (!TakeLookup())
        {
            return null;
        }
        var lookup = new TaskCompletionSource<LiveEvent?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_lookups.TryAdd(normalized, lookup.Task))
        {
            return _lookups.TryGetValue(normalized, out running) ? await running.WaitAsync(cancellationToken) : await FindAsync(normalized, cancellationToken);
        }
        try
        {
            var found = await events.FindOpenByCodeAsync(normalized, CancellationToken.None);
            var live = found is null ? null : Keep(await ReadLiveAsync(found, CancellationToken.None));
            lookup.SetResult(live);
            return live;
        }
        catch (Exception e)
        {
            lookup.SetException(e);
            throw;
        }
        finally
        {
            _lookups.TryRemove(normalized, out _);
        }
    }

    /// <summary>
    /// Reads a followed event again after a notification; returns it and whether what the phones
    /// show changed (another live poll, or the end). Null when no one here follows it.
    /// </summary>
    public async Task<(LiveEvent Event, bool Changed)?> RefreshAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!_byId.TryGetValue(eventId, out var before))
        {
            return null;
        }
        var found = await events.FindAsync(eventId, cancellationToken);
        var after = found is null ? before with { Closed = true, LivePollId = null, Poll = null } : await ReadLiveAsync(found, cancellationToken);
        Keep(after);
        return (after, after.LivePollId != before.LivePollId || after.Closed != before.Closed || !SameState(before.Poll, after.Poll));
    }

    /// <summary>
    /// The followed events that show this poll live with a state the snapshot has moved past: the
    /// poll closed (by the organiser or its timer), or its timer was set, moved or cancelled. Their
    /// phones must be told, or their forms would take ballots a closed poll refuses.
    /// </summary>
    public IReadOnlyList<string> ShowingOutdated(PollResults snapshot)
    {
        List<string>? outdated = null;
        foreach (var live in _byId.Values)
        {
            if (live.LivePollId == snapshot.PollId && live.Poll is { } shown && IsFollowed(live.Id)
                && !DrawnAs(shown, snapshot.Closed, snapshot.ClosesAt))
            {
                (outdated ??= []).Add(live.Id);
            }
        }
        return outdated ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Whether a phone's form is drawn the same for both: open or closed, and the same timer.</summary>
    private static bool SameState(PollView? before, PollView? after) =>
        before is null || after is null || DrawnAs(before, after.Closed, after.ClosesAt);

    private static bool DrawnAs(PollView shown, bool closed, DateTimeOffset? closesAt) =>
        shown.Closed == closed && shown.ClosesAt == closesAt;

    public bool CanAdd(string connectionId, string eventId) =>
        !_byConnection.TryGetValue(connectionId, out var followed) || followed.ContainsKey(eventId) || followed.Count < MaxPerConnection;

    public bool Add(string connectionId, string eventId)
    {
        var followed = _byConnection.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        if (!followed.TryAdd(eventId, 0))
        {
            return false;
        }
        _followers.AddOrUpdate(eventId, 1, (_, n) => n + 1);
        // A phone following an event is a viewer like a results page: the result role's autoscaler counts both.
        telemetry.AddViewers(1);
        return true;
    }

    public void RemoveConnection(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var followed))
        {
            foreach (var eventId in followed.Keys)
            {
                _followers.AddOrUpdate(eventId, 0, (_, n) => Math.Max(0, n - 1));
                telemetry.AddViewers(-1);
            }
        }
    }

    /// <summary>Whether a followed event shows this poll now: its results are then pushed to the event's phones too.</summary>
    public bool IsLive(string pollId)
    {
        foreach (var live in _byId.Values)
        {
            if (live.LivePollId == pollId && IsFollowed(live.Id))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The result groups of the followed events that show this poll now.</summary>
    public IReadOnlyList<string> ResultGroupsFor(string pollId)
    {
        List<string>? groups = null;
        foreach (var live in _byId.Values)
        {
            if (live.LivePollId == pollId && IsFollowed(live.Id))
            {
                (groups ??= []).Add(ResultsGroup(live.Id));
            }
        }
        return groups ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Every event someone here follows: read again after the listener reconnects.</summary>
    public IReadOnlyCollection<string> FollowedEvents => _followers.Where(f => f.Value > 0).Select(f => f.Key).ToArray();

    private bool IsFollowed(string eventId) => _followers.TryGetValue(eventId, out var n) && n > 0;

    private LiveEvent Keep(LiveEvent live)
    {
        _byId[live.Id] = live;
        _idByCode[live.Code] = live.Id;
        return live;
    }

    private async Task<LiveEvent> ReadLiveAsync(EventDefinition found, CancellationToken cancellationToken)
    {
        var poll = found.LivePollId is { } pollId ? await polls.FindAsync(pollId, cancellationToken) : null;
        return new LiveEvent(found.Id, found.Code, found.LivePollId, poll is null ? null : PollView.Of(poll, time.GetUtcNow()), found.Closed);
    }

    private bool TakeLookup() => _budget.TryTake();
}

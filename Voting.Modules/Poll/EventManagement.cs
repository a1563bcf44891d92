using Voting.Storage;

namespace Voting.Poll;

/// <summary>What creating an event came to: the event, or the problem with its title.</summary>
internal sealed record EventCreated(EventDefinition? Event, string? Problem);

/// <summary>
/// Creating events and moving their live poll, for the API, the admin pages and the command line
/// alike. A code is drawn at random and retried on a clash with another open event's code (the
/// database's partial unique index decides, so two processes cannot hand out the same code).
/// </summary>
internal sealed class EventManagement(EventStore store, TimeProvider time, EventLookup? lookup = null)
{
    public const int MaxTitleLength = 200;

    public static string? TitleProblem(string? title)
    {
        var trimmed = title?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxTitleLength)
        {
            return $"The title is 1 to {MaxTitleLength} characters of text.";
        }
        return PollText.Problem(trimmed) is { } problem ? $"The title {problem}." : null;
    }

    public async Task<EventCreated> CreateAsync(string? title, CancellationToken cancellationToken)
    {
        if (TitleProblem(title) is { } problem)
        {
            return new EventCreated(null, problem);
        }
        // 31^6 codes: a clash needs thousands of open events, and a few fresh draws get past it.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var created = new EventDefinition(NewPoll.RandomId(), EventCodes.New(), title!.Trim(), LivePollId: null, Closed: false, time.GetUtcNow());
            if (await store.CreateAsync(created, cancellationToken))
            {
                return new EventCreated(created, null);
            }
        }
        throw new InvalidOperationException("Could not find a free event code.");
    }

    /// <summary>Puts a poll of the event live (null: none); this process's lookup sees it at once.</summary>
    public async Task<LiveOutcome> SetLiveAsync(string eventId, string? pollId, CancellationToken cancellationToken)
    {
        var outcome = await store.SetLiveAsync(eventId, pollId, cancellationToken);
        await ForgetAsync(eventId, cancellationToken);
        return outcome;
    }

    /// <summary>Moves a question one place earlier or later in its event.</summary>
    public async Task<bool> MoveAsync(string eventId, string pollId, bool earlier, CancellationToken cancellationToken)
    {
        var moved = await store.MoveAsync(eventId, pollId, earlier, cancellationToken);
        await ForgetAsync(eventId, cancellationToken);
        return moved;
    }

    /// <summary>Ends the event; false when there is no such event.</summary>
    public async Task<bool> CloseAsync(string eventId, CancellationToken cancellationToken)
    {
        var closed = await store.CloseAsync(eventId, time.GetUtcNow(), cancellationToken);
        if (closed is not null)
        {
            lookup?.Forget(closed.Code);
        }
        return closed is not null;
    }

    private async Task ForgetAsync(string eventId, CancellationToken cancellationToken)
    {
        if (lookup is not null && await store.FindAsync(eventId, cancellationToken) is { } known)
        {
            lookup.Forget(known.Code);
        }
    }

    /// <summary>The poll after (<paramref name="step"/> 1) or before (-1) the live one, in the event's order; the first when none is live.</summary>
    public static string? Neighbour(IReadOnlyList<EventPoll> polls, string? livePollId, int step)
    {
        if (polls.Count == 0)
        {
            return null;
        }
        var at = livePollId is null ? -1 : polls.ToList().FindIndex(p => p.Id == livePollId);
        if (at < 0)
        {
            return step > 0 ? polls[0].Id : null;
        }
        var next = at + step;
        return next >= 0 && next < polls.Count ? polls[next].Id : null;
    }
}

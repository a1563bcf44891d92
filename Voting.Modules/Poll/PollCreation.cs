using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

internal enum CreateOutcome
{
    Created,
    Invalid,
    IdTaken,
    EventClosed,
}

/// <summary>What creating a poll came to: the poll when created, the errors by field when invalid.</summary>
internal sealed record PollCreated(CreateOutcome Outcome, PollDefinition? Poll, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// Creating a poll, for the API, the admin page and the command line alike: the rules of
/// <see cref="NewPoll"/>, then the store, then this process's catalog (when there is one), so the
/// poll is votable here at once. A poll with a duration gets its timer in Redis too (see
/// <see cref="PollTimer"/>); every poll process also passes the catalog's closing time to Redis
/// with each vote, so the timer holds even if that step fails.
/// </summary>
internal sealed class PollCreation(PollStore store, PollCatalog? catalog, VoteStream? stream, TimeProvider time, ILogger<PollCreation>? logger = null, EventStore? events = null)
{
    private static readonly Dictionary<string, string[]> NoErrors = [];

    public async Task<PollCreated> CreateAsync(CreatePollRequest request, CancellationToken cancellationToken)
    {
        var errors = NewPoll.Validate(request);
        if (errors.Count > 0)
        {
            return new PollCreated(CreateOutcome.Invalid, null, errors);
        }
        if (request.EventId is { } eventId)
        {
            // A poll joins an open event only; a race with the event's close leaves a poll in a closed event, which is harmless.
            var owner = await (events ?? throw new InvalidOperationException("Polls of events need the event store.")).FindAsync(eventId, cancellationToken);
            if (owner is null)
            {
                return new PollCreated(CreateOutcome.Invalid, null, new Dictionary<string, string[]>(StringComparer.Ordinal) { ["eventId"] = ["eventId names no event."] });
            }
            if (owner.Closed)
            {
                return new PollCreated(CreateOutcome.EventClosed, null, NoErrors);
            }
        }
        // PostgreSQL keeps microseconds: this process's catalog shows the creation time as every other does.
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        // A generated id may collide; a few fresh draws make that vanishingly unlikely.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var poll = NewPoll.Create(request, now);
            if (await store.CreateAsync(poll, cancellationToken))
            {
                if (poll.ClosesAt is { } closesAt)
                {
                    await SetTimerAsync(poll.Id, closesAt);
                }
                catalog?.Put(poll);
                return new PollCreated(CreateOutcome.Created, poll, NoErrors);
            }
            if (request.Id is not null)
            {
                return new PollCreated(CreateOutcome.IdTaken, null, NoErrors);
            }
        }
        throw new InvalidOperationException("Could not find a free poll id.");
    }

    private async Task SetTimerAsync(string pollId, DateTimeOffset closesAt)
    {
        if (stream is null)
        {
            throw new InvalidOperationException("A poll with a duration needs Redis for its timer.");
        }
        try
        {
            await stream.SetTimerAsync(pollId, closesAt).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The catalogs carry the time to Redis with every vote: the poll still closes on time.
            logger?.LogWarning("Timer of new poll {PollId} not recorded in Redis: {Reason}", pollId, e.Message);
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Queue;

namespace Voting.Poll;

internal enum VoteOutcome
{
    Accepted,
    UnknownPoll,
    UnknownOption,
    Closed,
    NotConfirmed,
}

/// <summary>
/// Checks a vote against the polls in memory and adds it to the stream: one script on Redis that
/// refuses it if the poll closed (through any process), no database. When Redis does not confirm in
/// time the vote is "not confirmed" (it may still count).
/// </summary>
internal sealed class VoteService(PollCatalog catalog, VoteStream stream, TimeProvider time, Telemetry telemetry, IOptions<QueueSettings> queue, ILogger<VoteService> logger)
{
    private readonly TimeSpan _deadline = TimeSpan.FromMilliseconds(queue.Value.AddTimeoutMilliseconds);

    public Task<VoteOutcome> CastAsync(string pollId, string optionId, Guid voter, CancellationToken cancellationToken) =>
        CastAsync(pollId, Ballot.Of(optionId), voter, cancellationToken);

    public async Task<VoteOutcome> CastAsync(string pollId, Ballot ballot, Guid voter, CancellationToken cancellationToken)
    {
        var poll = catalog.Find(pollId);
        var now = time.GetUtcNow();
        var outcome = poll is null ? VoteOutcome.UnknownPoll
            : !ballot.Fits(poll) ? VoteOutcome.UnknownOption
            : poll.IsClosedAt(now) ? VoteOutcome.Closed
            : VoteOutcome.Accepted;
        if (outcome == VoteOutcome.Accepted)
        {
            try
            {
                var message = new VoteMessage(pollId, ballot.OptionId, voter, now) { Choices = ballot.Choices, Words = ballot.Words };
                var id = await stream.AddAsync(message, poll!.ClosesAt).WaitAsync(_deadline, cancellationToken);
                if (id.IsNull)
                {
                    // Closed through another process (Redis decides, whatever this catalog says yet):
                    // remember it here so the next votes are refused without asking Redis. Not when
                    // the poll has a timer: Redis may have gone by it a moment before this clock, and
                    // the timer closes it here by itself.
                    outcome = VoteOutcome.Closed;
                    if (poll.ClosesAt is null)
                    {
                        catalog.Put(poll with { Closed = true });
                    }
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning("Vote not confirmed by Redis: {Reason}", e.Message);
                outcome = VoteOutcome.NotConfirmed;
            }
        }
        if (outcome == VoteOutcome.Accepted)
        {
            telemetry.VotesAccepted.Add(1);
        }
        else
        {
            telemetry.Rejected(outcome switch
            {
                VoteOutcome.UnknownPoll => Telemetry.Reasons.UnknownPoll,
                VoteOutcome.UnknownOption => Telemetry.Reasons.UnknownOption,
                VoteOutcome.Closed => Telemetry.Reasons.Closed,
                _ => Telemetry.Reasons.NotConfirmed,
            });
        }
        return outcome;
    }
}

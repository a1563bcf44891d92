using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Poll;

internal enum CloseOutcome
{
    Closed,
    UnknownPoll,
    NotConfirmed,
}

/// <summary>
/// Closing a poll, for the API, the admin page and the command line alike. Redis decides: the close
/// is acknowledged once Redis has it, and from then on every poll process refuses the poll's votes,
/// including one cut off from PostgreSQL. PostgreSQL is told next; if it cannot be reached, the
/// workers record the close when they meet its marker in the stream.
/// </summary>
internal sealed class PollClosing(PollCatalog catalog, PollStore store, VoteStream stream, TimeProvider time, IOptions<QueueSettings> queue, ILogger<PollClosing> logger)
{
    private readonly TimeSpan _deadline = TimeSpan.FromMilliseconds(queue.Value.AddTimeoutMilliseconds);

    public async Task<(CloseOutcome Outcome, PollDefinition? Poll)> CloseAsync(string pollId, CancellationToken cancellationToken)
    {
        if (await catalog.FindOrReadAsync(pollId, store, cancellationToken) is not { } poll)
        {
            return (CloseOutcome.UnknownPoll, null);
        }
        var now = time.GetUtcNow();
        StreamId point;
        try
        {
            point = await stream.CloseAsync(new CloseMessage(pollId, now)).WaitAsync(_deadline, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Close of poll {PollId} not confirmed by Redis: {Reason}", pollId, e.Message);
            return (CloseOutcome.NotConfirmed, poll);
        }
        if (!point.TryGetVersion(out var version))
        {
            throw new InvalidOperationException($"The close point {point} cannot be ordered with votes.");
        }
        try
        {
            poll = await store.CloseAsync(pollId, now, version, cancellationToken) ?? poll;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Poll {PollId} is closed (Redis has it); PostgreSQL will learn it from the workers: {Reason}", pollId, e.Message);
        }
        poll = poll with { Closed = true };
        catalog.Put(poll);
        return (CloseOutcome.Closed, poll);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Poll;

internal enum TimerOutcome
{
    Set,
    UnknownPoll,
    Closed,
    NotConfirmed,
}

/// <summary>
/// A poll's timer: it closes by itself at <see cref="PollDefinition.ClosesAt"/>. Redis learns the
/// time first, as a close point ahead of its clock (<see cref="VoteStream.SetTimerAsync"/>), so every
/// poll process refuses late votes by the same clock; PostgreSQL next, so catalogs and result
/// processes learn it. Both steps may be repeated: a retry after "not confirmed" is safe.
/// </summary>
internal sealed class PollTimer(PollCatalog catalog, PollStore store, VoteStream stream, TimeProvider time, IOptions<QueueSettings> queue, ILogger<PollTimer> logger)
{
    public const int MinSeconds = 10;
    public const int MaxSeconds = 86_400;

    private readonly TimeSpan _deadline = TimeSpan.FromMilliseconds(queue.Value.AddTimeoutMilliseconds);

    /// <summary>The closing time <paramref name="seconds"/> from <paramref name="now"/>, to the millisecond (Redis's unit).</summary>
    public static DateTimeOffset ClosingTime(DateTimeOffset now, int seconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds() + seconds * 1000L);

    /// <summary>Closes the poll <paramref name="seconds"/> from now, or cancels its timer with 0.</summary>
    public async Task<(TimerOutcome Outcome, PollDefinition? Poll)> SetAsync(string pollId, int seconds, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        if (await catalog.FindOrReadAsync(pollId, store, cancellationToken) is not { } poll)
        {
            return (TimerOutcome.UnknownPoll, null);
        }
        var now = time.GetUtcNow();
        if (poll.IsClosedAt(now))
        {
            return (TimerOutcome.Closed, poll);
        }
        DateTimeOffset? closesAt = seconds == 0 ? null : ClosingTime(now, seconds);
        try
        {
            if (await stream.SetTimerAsync(pollId, closesAt).WaitAsync(_deadline, cancellationToken) is not null)
            {
                return (TimerOutcome.Closed, poll);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Timer of poll {PollId} not confirmed by Redis: {Reason}", pollId, e.Message);
            return (TimerOutcome.NotConfirmed, poll);
        }
        try
        {
            poll = await store.SetClosesAtAsync(pollId, closesAt, now, cancellationToken) ?? poll;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Timer of poll {PollId} is in Redis but not in PostgreSQL: {Reason}", pollId, e.Message);
            return (TimerOutcome.NotConfirmed, poll);
        }
        if (poll.ClosesAt != closesAt)
        {
            // PostgreSQL had it closed already (closed through a process that could not reach Redis).
            return (TimerOutcome.Closed, poll);
        }
        catalog.Put(poll);
        return (TimerOutcome.Set, poll);
    }
}

using StackExchange.Redis;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Worker;

/// <summary>
/// One batch of stream entries sorted into what can be stored, what must go to the dead-letter
/// stream (with the reason), and what only needs acknowledging.
/// </summary>
internal sealed class VoteBatch
{
    private VoteBatch(RedisValue[] ids, List<(VoteRow Vote, StreamEntry Entry)> votes, List<CloseRow> closes, List<(StreamEntry Entry, string Reason)> rejected)
    {
        Ids = ids;
        Votes = votes;
        Closes = closes;
        Rejected = rejected;
    }

    /// <summary>Every entry id in the batch: all of them are acknowledged once the batch is stored.</summary>
    public RedisValue[] Ids { get; }

    public List<(VoteRow Vote, StreamEntry Entry)> Votes { get; }

    /// <summary>Close markers: from each one's version on, its poll counts no vote.</summary>
    public List<CloseRow> Closes { get; }

    public List<(StreamEntry Entry, string Reason)> Rejected { get; }

    public static VoteBatch Parse(StreamEntry[] entries)
    {
        var ids = new RedisValue[entries.Length];
        var votes = new List<(VoteRow, StreamEntry)>(entries.Length);
        var closes = new List<CloseRow>();
        var rejected = new List<(StreamEntry, string)>();
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            ids[i] = entry.Id;
            if (entry.IsNull || entry.Values is null || entry.Values.Length == 0)
            {
                // Re-reading pending entries returns trimmed ones without values: nothing to store.
                continue;
            }
            if (!VoteMessage.TryGetVersion(entry.Id, out var version))
            {
                rejected.Add((entry, "entry id cannot order votes"));
            }
            else if (CloseMessage.IsClose(entry.Values))
            {
                if (CloseMessage.TryParse(entry.Values, out var close, out var reason))
                {
                    closes.Add(new CloseRow(close.PollId, version, close.ClosedAt));
                }
                else
                {
                    rejected.Add((entry, reason));
                }
            }
            else if (VoteMessage.TryParse(entry.Values, out var vote, out var reason))
            {
                votes.Add((new VoteRow(vote.PollId, vote.VoterId, vote.OptionId, vote.CastAt, version) { Choices = vote.Choices, Words = vote.Words }, entry));
            }
            else
            {
                rejected.Add((entry, reason));
            }
        }
        return new VoteBatch(ids, votes, closes, rejected);
    }

    /// <summary>Moves votes that name a poll or option that does not exist to the rejected list.</summary>
    public void RejectUnknown(Func<VoteRow, bool> exists) =>
        Fit(vote => exists(vote) ? (vote, "") : (null, "unknown poll or option"));

    /// <summary>
    /// Puts each ballot in the form its poll's type stores (<see cref="KnownChoices.Fit"/>); a ballot
    /// that fits no poll goes to the rejected list with the reason.
    /// </summary>
    public void Fit(Func<VoteRow, (VoteRow? Row, string Reason)> fit)
    {
        var kept = new List<(VoteRow, StreamEntry)>(Votes.Count);
        foreach (var (vote, entry) in Votes)
        {
            var (row, reason) = fit(vote);
            if (row is { } stored)
            {
                kept.Add((stored, entry));
            }
            else
            {
                Rejected.Add((entry, reason));
            }
        }
        Votes.Clear();
        Votes.AddRange(kept);
    }

    /// <summary>
    /// Every vote to store, repeats included. The writer keeps each voter's latest before the poll's
    /// close point; keeping only the latest here would lose a voter's vote from before a close when a
    /// later one sits past it (a close recorded in an earlier batch or by a timer, which this batch
    /// cannot see), since the writer then refuses the later one.
    /// </summary>
    public List<VoteRow> Rows() => Votes.ConvertAll(v => v.Vote);
}

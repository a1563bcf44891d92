using StackExchange.Redis;
using Voting.Queue;
using Voting.Worker;

namespace Voting.Tests.Worker;

public class VoteBatchTests
{
    private static StreamEntry Entry(string id, string poll, string option, Guid voter) =>
        new(id, new VoteMessage(poll, option, voter, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)).ToEntry());

    [Fact]
    public void Every_vote_is_kept_for_the_writer_repeats_of_a_voter_included()
    {
        // The writer picks each voter's latest vote before the poll's close point, which this batch
        // cannot always see: so the batch hands it every vote, not only each voter's latest.
        var alice = Guid.NewGuid();
        var bob = Guid.NewGuid();
        var batch = VoteBatch.Parse(
        [
            Entry("1700000000000-0", "p", "a", alice),
            Entry("1700000000000-1", "p", "b", bob),
            Entry("1700000000000-2", "p", "c", alice),
            Entry("1700000000000-3", "q", "x", alice),
        ]);
        var rows = batch.Rows();
        Assert.Equal(["a", "b", "c", "x"], rows.Select(r => r.OptionId));
        Assert.Equal([0L, 1L, 2L, 3L], rows.Select(r => r.Version - rows[0].Version));
        Assert.Equal(4, batch.Ids.Length);
    }

    [Fact]
    public void Malformed_and_unknown_entries_are_set_aside_with_reasons_but_still_acknowledged()
    {
        var batch = VoteBatch.Parse(
        [
            Entry("1700000000000-0", "p", "a", Guid.NewGuid()),
            new StreamEntry("1700000000000-1", [new NameValueEntry("p", "p")]),
            Entry("1700000000000-2", "p", "zzz", Guid.NewGuid()),
        ]);
        batch.RejectUnknown(v => v.OptionId != "zzz");
        Assert.Single(batch.Votes);
        Assert.Equal(2, batch.Rejected.Count);
        Assert.Contains(batch.Rejected, r => r.Reason.Contains("option id", StringComparison.Ordinal) || r.Reason.Contains("cast time", StringComparison.Ordinal));
        Assert.Contains(batch.Rejected, r => r.Reason == "unknown poll or option");
        Assert.Equal(3, batch.Ids.Length);
    }
}

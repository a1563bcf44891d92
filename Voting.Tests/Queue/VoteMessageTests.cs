using StackExchange.Redis;
using Voting.Queue;

namespace Voting.Tests.Queue;

public class VoteMessageTests
{
    [Fact]
    public void A_vote_survives_the_round_trip_through_stream_fields()
    {
        var vote = new VoteMessage("p1", "o1", Guid.NewGuid(), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        Assert.True(VoteMessage.TryParse(vote.ToEntry(), out var parsed, out var reason), reason);
        Assert.Equal(vote, parsed);
    }

    public static TheoryData<NameValueEntry[], string> Malformed => new()
    {
        { [new("p", "p1"), new("o", "o1"), new("v", Guid.NewGuid().ToString("N"))], "cast time" },
        { [new("p", "p 1"), new("o", "o1"), new("v", Guid.NewGuid().ToString("N")), new("t", "1700000000000")], "poll id" },
        { [new("p", new string('p', 65)), new("o", "o1"), new("v", Guid.NewGuid().ToString("N")), new("t", "1700000000000")], "poll id" },
        { [new("p", "p1"), new("o", "<script>"), new("v", Guid.NewGuid().ToString("N")), new("t", "1700000000000")], "option id" },
        { [new("p", "p1"), new("o", "o1"), new("v", "not-a-guid"), new("t", "1700000000000")], "voter id" },
        { [new("p", "p1"), new("o", "o1"), new("v", Guid.NewGuid().ToString()), new("t", "1700000000000")], "voter id" },
        { [new("p", "p1"), new("o", "o1"), new("v", Guid.NewGuid().ToString("N")), new("t", "-5")], "cast time" },
        { [new("p", "p1"), new("o", "o1"), new("v", Guid.NewGuid().ToString("N")), new("t", "99999999999999999999")], "cast time" },
        { [new("p", "p1"), new("p", "p2"), new("o", "o1"), new("v", Guid.NewGuid().ToString("N")), new("t", "1700000000000")], "twice" },
        { [new("p", "p1"), new("o", "o1"), new("v", Guid.NewGuid().ToString("N")), new("t", "1700000000000"), new("x", "1")], "unknown field" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Every_field_of_an_entry_is_checked(NameValueEntry[] fields, string reasonMentions)
    {
        Assert.False(VoteMessage.TryParse(fields, out _, out var reason));
        Assert.Contains(reasonMentions, reason);
    }

    [Fact]
    public void Versions_follow_stream_id_order()
    {
        string[] ids = ["1700000000000-0", "1700000000000-1", "1700000000000-999999", "1700000000001-0", "1800000000000-5"];
        var versions = ids.Select(id => Assert.IsType<long>(VoteMessage.TryGetVersion(id, out var v) ? v : throw new InvalidOperationException(id))).ToArray();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Length, versions.Distinct().Count());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1700000000000-1048576")]
    [InlineData("-1")]
    [InlineData("17-")]
    public void Ids_that_cannot_be_packed_into_a_version_are_refused(string id) =>
        Assert.False(VoteMessage.TryGetVersion(id, out _));
}

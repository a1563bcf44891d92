using Voting.Poll;

namespace Voting.Tests.Poll;

public class NewPollTests
{
    [Theory]
    [InlineData("Pizza", "pizza")]
    [InlineData("  Hot dogs & fries! ", "hot-dogs-fries")]
    [InlineData("Crème brûlée", "creme-brulee")]
    [InlineData("C#", "csharp")]
    [InlineData("C++", "cplusplus")]
    [InlineData("日本", "")]
    public void Option_ids_are_made_from_labels(string label, string slug) =>
        Assert.Equal(slug, NewPoll.Slug(label));

    [Fact]
    public void Option_ids_are_unique_within_a_poll_even_when_labels_slug_alike()
    {
        var poll = NewPoll.Create(null, "Q?", ["Yes!", "yes?", "日本", "中国"], DateTimeOffset.UnixEpoch);
        Assert.Equal(["yes", "yes-2", "option-3", "option-4"], poll.Options.Select(o => o.Id));
        Assert.All(poll.Options, o => Assert.True(Ids.IsValid(o.Id)));
        Assert.True(Ids.IsValid(poll.Id));
        Assert.Equal(8, poll.Id.Length);
    }

    [Theory]
    [InlineData(null, "Q?", new[] { "A" }, "options")]
    [InlineData(null, "Q?", new[] { "A", "a" }, "options")]
    [InlineData(null, "Q?", new[] { "A", "" }, "options")]
    [InlineData(null, " ", new[] { "A", "B" }, "question")]
    [InlineData("bad id!", "Q?", new[] { "A", "B" }, "id")]
    [InlineData(null, "Q?", new[] { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11" }, "options")]
    public void Invalid_polls_are_refused_naming_the_field(string? id, string question, string[] options, string field)
    {
        var errors = NewPoll.Validate(id, question, options);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void A_valid_poll_has_no_errors() =>
        Assert.Empty(NewPoll.Validate("lunch-1", "Lunch?", ["Pizza", "Soup"]));
}

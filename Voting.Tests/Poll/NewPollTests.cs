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
    // Labels that differ only in what people cannot see.
    [InlineData(null, "Q?", new[] { "Yes", "Yes\u200b" }, "options")]
    [InlineData(null, "Q?", new[] { "Yes", "Ye\u0455" }, "options")]
    [InlineData(null, "Q?", new[] { "Yes", "\u0423\u0435s" }, "options")]
    [InlineData(null, "Q?", new[] { "Yes", "ＹＥＳ" }, "options")]
    [InlineData(null, "Q?", new[] { "Yes no", "Yes\u3000 no" }, "options")]
    [InlineData(null, "Q?", new[] { "Yes", "Yes\uFE0F" }, "options")]
    // Labels and questions with nothing visible, or with direction overrides.
    [InlineData(null, "Q?", new[] { "A", "\u3164" }, "options")]
    [InlineData(null, "Q?", new[] { "A", "\u200b\u200b" }, "options")]
    [InlineData(null, "Q?", new[] { "A", "\u2800" }, "options")]
    [InlineData(null, "Q?", new[] { "A", "B\u202Eevil" }, "options")]
    [InlineData(null, "Which \u202Eeno?", new[] { "A", "B" }, "question")]
    [InlineData(null, "Which \u2066one\u2069?", new[] { "A", "B" }, "question")]
    [InlineData(null, "\u200b", new[] { "A", "B" }, "question")]
    [InlineData(null, "\uFEFFQ?", new[] { "A", "B" }, "question")]
    public void Invalid_polls_are_refused_naming_the_field(string? id, string question, string[] options, string field)
    {
        var errors = NewPoll.Validate(id, question, options);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void A_valid_poll_has_no_errors() =>
        Assert.Empty(NewPoll.Validate("lunch-1", "Lunch?", ["Pizza", "Soup"]));

    [Fact]
    public void Broken_surrogate_pairs_are_refused_not_a_crash()
    {
        // Built here: test data attributes would replace a lone surrogate on their way to the runner.
        var lone = new string((char)0xD800, 1);
        Assert.Contains("question", NewPoll.Validate(null, "Q" + lone + "?", ["A", "B"]).Keys);
        Assert.Contains("options", NewPoll.Validate(null, "Q?", ["A", "B" + (char)0xDC00]).Keys);
    }

    [Theory]
    [InlineData("Family?", "👨\u200d👩\u200d👧", "👍")]
    [InlineData("Love?", "❤\uFE0F", "💔")]
    [InlineData("کدام؟", "می\u200cخواهم", "نه")]
    [InlineData("Dessert?", "Crème brûlée", "Creme brulee")]
    [InlineData("Greek?", "Αθήνα", "Athens")]
    [InlineData("Русский?", "Да", "Нет")]
    public void Real_text_in_any_script_with_the_joiners_it_needs_is_accepted(string question, string first, string second) =>
        Assert.Empty(NewPoll.Validate(null, question, [first, second]));
}

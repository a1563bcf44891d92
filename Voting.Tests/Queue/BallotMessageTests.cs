using System.Globalization;
using System.Text;
using CsCheck;
using StackExchange.Redis;
using Voting.Queue;

namespace Voting.Tests.Queue;

/// <summary>Ballots of several choices and of words in stream entries, and the one normal form of a word.</summary>
public class BallotMessageTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    [Fact]
    public void Choices_and_words_survive_the_round_trip_as_sets_in_ordinal_order()
    {
        var choices = new VoteMessage("p1", null, Guid.NewGuid(), At) { Choices = ["c", "a", "b", "a"] };
        Assert.True(VoteMessage.TryParse(choices.ToEntry(), out var parsed, out var reason), reason);
        Assert.Null(parsed.OptionId);
        Assert.Equal(["a", "b", "c"], parsed.Choices!);
        Assert.Null(parsed.Words);
        Assert.Equal((choices.PollId, choices.VoterId, choices.CastAt), (parsed.PollId, parsed.VoterId, parsed.CastAt));

        var words = new VoteMessage("p1", null, Guid.NewGuid(), At) { Words = ["simple api", "café", "c#"] };
        Assert.True(VoteMessage.TryParse(words.ToEntry(), out parsed, out reason), reason);
        Assert.Equal(["c#", "café", "simple api"], parsed.Words!);
        Assert.Null(parsed.Choices);
        Assert.Null(parsed.OptionId);
    }

    [Fact]
    public void A_single_choice_entry_is_written_exactly_as_before_question_types()
    {
        var voter = Guid.NewGuid();
        var entry = new VoteMessage("p1", "o1", voter, At).ToEntry();
        Assert.Equal(["p", "o", "v", "t"], entry.Select(e => e.Name.ToString()));
        Assert.Equal(["p1", "o1", voter.ToString("N"), "1700000000123"], entry.Select(e => e.Value.ToString()));
    }

    public static TheoryData<NameValueEntry[], string> Malformed => new()
    {
        { Entry(("c", "a\u001F<b>")), "malformed choices" },
        { Entry(("c", "")), "malformed choices" },
        { Entry(("c", string.Join('\u001F', Enumerable.Range(0, 11).Select(i => $"o{i}")))), "malformed choices" },
        { Entry(("w", "FAST")), "malformed words" },
        { Entry(("w", "fast\u001F")), "malformed words" },
        { Entry(("w", "two  spaces")), "malformed words" },
        { Entry(("w", " fast")), "malformed words" },
        { Entry(("w", "ｆａｓｔ")), "malformed words" },
        { Entry(("w", "a\nb")), "malformed words" },
        { Entry(("w", new string('x', 541))), "malformed words" },
        { Entry(("o", "a"), ("c", "a")), "more than one ballot field" },
        { Entry(("c", "a"), ("w", "a")), "more than one ballot field" },
    };

    private static NameValueEntry[] Entry(params (string Name, string Value)[] ballot) =>
        [new("p", "p1"), .. ballot.Select(b => new NameValueEntry(b.Name, b.Value)), new("v", Guid.NewGuid().ToString("N")), new("t", "1700000000000")];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Every_set_in_an_entry_is_checked(NameValueEntry[] fields, string reasonMentions)
    {
        Assert.False(VoteMessage.TryParse(fields, out _, out var reason));
        Assert.Contains(reasonMentions, reason);
    }

    [Theory]
    [InlineData("Ｆａｓｔ ", "fast")]
    [InlineData("  Simple \u3000\u00A0 API ", "simple api")]
    [InlineData("ＣＡＦＥ\u0301", "café")]
    [InlineData("ﬁne", "fine")]
    public void Words_are_folded_to_one_form(string given, string counted) =>
        Assert.Equal(counted, WordText.Normalize(given));

    [Fact]
    public void The_normal_form_of_any_text_is_a_fixed_point_the_worker_accepts()
    {
        Gen.String.Where(s => s.Length > 0 && !s.Any(char.IsSurrogate) && !s.Any(char.IsControl)).Sample(text =>
        {
            var word = WordText.Normalize(text);
            Assert.Equal(word, WordText.Normalize(word));
            Assert.True(word.Length == 0 || word.Length > WordText.MaxNormalizedLength || WordText.IsNormalized(word), $"'{word}'");
        }, iter: 5000);
    }

    [Fact]
    public void A_votes_script_arguments_hold_the_same_entry_as_the_one_xadd_takes()
    {
        var voter = Guid.NewGuid();
        foreach (var vote in new[]
        {
            new VoteMessage("p1", "o1", voter, At),
            new VoteMessage("p1", null, voter, At) { Choices = ["a", "c"] },
            new VoteMessage("p1", null, voter, At) { Words = ["fast", "simple api"] },
        })
        {
            var written = new RedisValue[2 * VoteMessage.FieldCount];
            vote.WriteEntry(written);
            Assert.Equal(vote.ToEntry().SelectMany(e => new[] { e.Name, e.Value }), written);
        }
    }

    [Fact]
    public void Normalising_agrees_rune_by_rune_with_the_plain_algorithm()
    {
        // Whitespace of every kind, letters that fold, a combining mark and a surrogate pair (U+1D400,
        // which NFKC folds to "A"), so runs, ends and pairs all come up.
        var text = Gen.OneOf<string>(" ", "  ", "\t", "\u3000", "\u00A0", "a", "Ｂ", "C", "e\u0301", "\U0001D400", "ﬁ", "-").Array[0, 12]
            .Select(parts => string.Concat(parts));
        text.Sample(t => Assert.Equal(PlainNormal(t), WordText.Normalize(t)), iter: 5000);
    }

    [Fact]
    public void A_word_with_a_broken_surrogate_pair_is_never_in_counted_form()
    {
        // Built here, not given as theory data: xunit's data serialization turns a lone surrogate into U+FFFD.
        foreach (var word in new[] { "a\uD800b", "\uDC00", "fast\uD800" })
        {
            // The worker's check of a word read from the stream: even the no-copy path must refuse it.
            Assert.False(WordText.IsNormalized(word));
            Assert.Throws<ArgumentException>(() => WordText.Normalize(word));
        }
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("simple api")]
    [InlineData("café")]
    public void A_word_in_counted_form_comes_back_as_it_is_not_as_a_copy(string word) =>
        Assert.Same(word, WordText.Normalize(word));

    [Fact]
    public void A_words_length_is_its_text_elements()
    {
        var text = Gen.OneOf<string>("a", " ", "e\u0301", "\U0001D400", "👍🏽", "\r\n", "語").Array[0, 10].Select(parts => string.Concat(parts));
        text.Sample(t => Assert.Equal(new StringInfo(t).LengthInTextElements, WordText.Length(t)), iter: 2000);
    }

    /// <summary>The rule as the issue states it, written the plain way: NFKC, lower case, whitespace runs as one space, trimmed.</summary>
    private static string PlainNormal(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var collapsed = new StringBuilder();
        var space = false;
        foreach (var rune in folded.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                space = collapsed.Length > 0;
                continue;
            }
            if (space)
            {
                collapsed.Append(' ');
                space = false;
            }
            collapsed.Append(rune.ToString());
        }
        var result = collapsed.ToString();
        return result.IsNormalized(NormalizationForm.FormKC) ? result : result.Normalize(NormalizationForm.FormKC);
    }
}

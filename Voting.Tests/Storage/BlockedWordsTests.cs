using Microsoft.Extensions.Options;
using Voting.Storage;

namespace Voting.Tests.Storage;

/// <summary>The blocked-words list as an operator writes it: a comma list or a file, normalised as votes are.</summary>
public sealed class BlockedWordsTests
{
    [Fact]
    public void Entries_are_normalised_as_votes_are_and_match_a_word_or_one_of_its_parts()
    {
        var blocked = new BlockedWords(Options.Create(new ModerationSettings { BlockedWords = " Ｉｄｉｏｔ ,spam,, SPAM , rude  word" }));

        Assert.Equal(["idiot", "rude word", "spam"], blocked.Entries);
        Assert.True(blocked.Blocks("idiot"));
        Assert.True(blocked.Blocks("big idiot"));
        Assert.True(blocked.Blocks("rude word"));
        Assert.False(blocked.Blocks("idiots"));
        Assert.False(blocked.Blocks("rude"));
        Assert.False(new BlockedWords().Blocks("idiot"));
    }

    [Fact]
    public void A_path_is_read_as_a_file_of_lines_or_commas_with_comments()
    {
        var path = Path.Combine(Path.GetTempPath(), $"blocked-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "# words our school does not show\nidiot\r\nspam, scam\n\n");
        try
        {
            Assert.Equal(["idiot", "scam", "spam"], BlockedWords.Of(new ModerationSettings { BlockedWords = path }).Entries);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_a_setting_error_naming_the_variable()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.txt");

        var error = Assert.Throws<SettingException>(() => BlockedWords.Of(new ModerationSettings { BlockedWords = missing }));

        Assert.Contains("Voting__Moderation__BlockedWords", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(new ModerationSettings { BlockedWords = "idiot, spam" }.NamesFile);
        Assert.True(new ModerationSettings { BlockedWords = "./blocked.txt" }.NamesFile);
    }
}

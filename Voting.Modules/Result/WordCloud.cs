using System.Globalization;
using System.Text;
using Voting.Storage;
using static Voting.Web.Html;

namespace Voting.Result;

/// <summary>
/// A words poll's results as a cloud: each word is text sized by its votes (six steps, by the square
/// root of its share of the top word's votes, so a word with a quarter of the votes is half as big),
/// in the order of votes so a screen reader reads the most given first. results.js draws it the same way.
/// </summary>
internal static class WordCloud
{
    public const int Steps = 6;

    public static string Render(PollResults snapshot)
    {
        var words = snapshot.Hidden ? [] : snapshot.Words ?? [];
        var top = words.Count == 0 ? 0 : words.Max(w => w.Votes);
        var body = new StringBuilder("""<ol class="cloud" data-cloud aria-label="Words, most given first">""");
        foreach (var word in words)
        {
            body.Append($"""<li class="word" data-word="{E(word.Text)}" data-votes="{word.Votes}" data-size="{Size(word.Votes, top)}">{E(word.Text)}<span class="sr-only">, {Votes(word.Votes)}</span></li>""");
        }
        body.Append("</ol>");
        if (!snapshot.Hidden && words.Count == 0)
        {
            body.Append("""<p class="muted cloud-empty" data-cloud-empty>No words yet.</p>""");
        }
        else
        {
            body.Append("""<p class="muted cloud-empty" data-cloud-empty hidden>No words yet.</p>""");
        }
        return body.ToString();
    }

    public static int Size(long votes, long top) =>
        top <= 0 ? 1 : Math.Clamp(1 + (int)Math.Round((Steps - 1) * Math.Sqrt((double)votes / top), MidpointRounding.AwayFromZero), 1, Steps);

    private static string Votes(long votes) => votes == 1 ? "1 vote" : $"{votes.ToString(CultureInfo.InvariantCulture)} votes";
}

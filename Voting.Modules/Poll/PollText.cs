using System.Buffers;
using System.Globalization;
using System.Text;

namespace Voting.Poll;

/// <summary>
/// What text a poll may show. A question or label must have something visible, and must not carry
/// characters that hide or reorder what people see: format characters (zero-width spaces, bidi
/// overrides and isolates, the BOM) other than the joiners that emoji and some scripts need. Two
/// labels are the same when their skeletons are: folded by NFKC and case, joiners and blanks
/// dropped, and the Cyrillic and Greek letters that look like Latin ones read as those.
/// </summary>
internal static class PollText
{
    private const char ZeroWidthJoiner = '\u200D';
    private const char ZeroWidthNonJoiner = '\u200C';

    // Letters that render as blank but are not whitespace (Hangul fillers, braille blank, Mongolian vowel separator).
    private static readonly SearchValues<char> Blanks = SearchValues.Create("\u115F\u1160\u3164\uFFA0\u2800\u180E\u034F");

    // Cyrillic and Greek letters drawn like Latin ones in common fonts (after lower-casing).
    private static readonly Dictionary<char, char> LookAlikes = new()
    {
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c',
        ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['ѕ'] = 's', ['і'] = 'i', ['ї'] = 'i', ['ј'] = 'j', ['һ'] = 'h', ['ԁ'] = 'd', ['ԛ'] = 'q',
        ['ԝ'] = 'w', ['ɡ'] = 'g', ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o',
        ['ρ'] = 'p', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ζ'] = 'z', ['μ'] = 'u',
    };

    /// <summary>Why <paramref name="text"/> cannot be shown as poll text, or null when it can.</summary>
    public static string? Problem(string text)
    {
        var visible = false;
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                return "is not valid text (a broken surrogate pair)";
            }
            i += used;
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control)
            {
                return "has control characters";
            }
            if (category == UnicodeCategory.Format && rune.Value is not (ZeroWidthJoiner or ZeroWidthNonJoiner))
            {
                return $"has an invisible or direction-changing character (U+{rune.Value:X4})";
            }
            visible |= !IsBlank(rune, category);
        }
        return visible ? null : "has nothing visible";
    }

    /// <summary>What a label looks like, for telling apart labels that only differ in ways people cannot see.</summary>
    public static string Skeleton(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var skeleton = new StringBuilder(folded.Length);
        var space = false;
        foreach (var rune in folded.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (IsBlank(rune, category))
            {
                space |= Rune.IsWhiteSpace(rune);
                continue;
            }
            if (space && skeleton.Length > 0)
            {
                skeleton.Append(' ');
            }
            space = false;
            if (rune.IsBmp && LookAlikes.TryGetValue((char)rune.Value, out var latin))
            {
                skeleton.Append(latin);
            }
            else
            {
                skeleton.Append(rune.ToString());
            }
        }
        return skeleton.ToString();
    }

    private static bool IsBlank(Rune rune, UnicodeCategory category) =>
        Rune.IsWhiteSpace(rune) || category == UnicodeCategory.Format || IsVariationSelector(rune) || (rune.IsBmp && Blanks.Contains((char)rune.Value));

    private static bool IsVariationSelector(Rune rune) =>
        rune.Value is >= 0xFE00 and <= 0xFE0F or >= 0xE0100 and <= 0xE01EF;
}

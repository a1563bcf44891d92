using System.Globalization;
using System.Text;

namespace Voting;

/// <summary>
/// Words of a words poll as they are counted: Unicode NFKC, invariant lower case, whitespace runs
/// collapsed to one space and trimmed, so "Ｆａｓｔ " and "fast" are one word. The poll role
/// normalises what voters send; the worker checks that what it reads from the stream is already in
/// this form (anyone with access to Redis could have written it).
/// </summary>
internal static class WordText
{
    /// <summary>A word as a voter types it, after trimming.</summary>
    public const int MaxLength = 30;

    /// <summary>The longest stored word, in UTF-16 units (NFKC may expand a character up to 18 times).</summary>
    public const int MaxNormalizedLength = MaxLength * 18;

    /// <summary>
    /// The counted form of <paramref name="text"/>. Throws <see cref="ArgumentException"/> on text
    /// that is not valid UTF-16 (a broken surrogate pair): check it first.
    /// </summary>
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var collapsed = new StringBuilder(folded.Length);
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
        // Lower-casing can leave a string that NFKC would change again (rarely); the result must be a fixed point.
        var result = collapsed.ToString();
        return result.IsNormalized(NormalizationForm.FormKC) ? result : result.Normalize(NormalizationForm.FormKC);
    }

    /// <summary>
    /// Whether <paramref name="word"/> is a word as stored: non-empty, not too long, no control
    /// character, and already normalised.
    /// </summary>
    public static bool IsNormalized(string? word)
    {
        if (string.IsNullOrEmpty(word) || word.Length > MaxNormalizedLength)
        {
            return false;
        }
        if (word.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || word.AsSpan().ContainsAnyInRange('\u007F', '\u009F'))
        {
            return false;
        }
        try
        {
            return string.Equals(Normalize(word), word, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The number of characters a voter sees, for the length rule: text elements, not UTF-16 units.</summary>
    public static int Length(string text) => new StringInfo(text).LengthInTextElements;
}

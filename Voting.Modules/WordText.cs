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
        // Each step hands back its input when it has nothing to change, so a word already in counted
        // form (every word the worker checks) costs no allocation.
        var folded = Collapse(Lower(Nfkc(text)));
        // Lower-casing can leave a string that NFKC would change again (rarely); the result must be a fixed point.
        return Nfkc(folded);
    }

    private static string Nfkc(string text) =>
        text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);

    /// <summary>Invariant lower case; the text itself when it has no upper case (a pair is left to the runtime).</summary>
    private static string Lower(string text)
    {
        foreach (var c in text)
        {
            if (char.IsSurrogate(c) || char.ToLowerInvariant(c) != c)
            {
                return text.ToLowerInvariant();
            }
        }
        return text;
    }

    /// <summary>
    /// Whitespace runs as one space, none at either end. Char by char is rune by rune here: every
    /// Unicode whitespace character is in the BMP, and a surrogate is never whitespace.
    /// </summary>
    private static string Collapse(string text)
    {
        if (!NeedsCollapse(text))
        {
            return text;
        }
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = length > 0;
                continue;
            }
            if (space)
            {
                buffer[length++] = ' ';
                space = false;
            }
            buffer[length++] = c;
        }
        return new string(buffer[..length]);
    }

    private static bool NeedsCollapse(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || i == 0 || i == text.Length - 1 || text[i - 1] == ' '))
            {
                return true;
            }
        }
        return false;
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
    public static int Length(string text)
    {
        var count = 0;
        for (var rest = text.AsSpan(); !rest.IsEmpty; rest = rest[StringInfo.GetNextTextElementLength(rest)..])
        {
            count++;
        }
        return count;
    }
}

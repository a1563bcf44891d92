using System.Security.Cryptography;

namespace Voting;

/// <summary>
/// An event's join code: six characters from an alphabet without look-alikes (no 0/O, no 1/I/L), so
/// a code read off a projector is typed right. Input is case-insensitive; spaces and dashes people
/// add ("ABC-DEF") are ignored.
/// </summary>
internal static class EventCodes
{
    public const int Length = 6;
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>The code in its stored form (upper case), or null when the text cannot be a code.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20)
        {
            return null;
        }
        Span<char> code = stackalloc char[Length];
        var n = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '-')
            {
                continue;
            }
            var upper = char.ToUpperInvariant(c);
            if (n == Length || !Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                return null;
            }
            code[n++] = upper;
        }
        return n == Length ? new string(code) : null;
    }
}

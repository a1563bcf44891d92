using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Voting.Poll;

/// <summary>
/// The voter is a random 128-bit id, signed by the server (<see cref="VoterSigner"/>), in an
/// HttpOnly, SameSite=Lax cookie. A cookie the server did not sign (made up, altered, or from before
/// ids were signed) is replaced by a fresh id, never trusted.
/// </summary>
internal static class VoterCookie
{
    public const string Name = "voter";

    /// <summary>How long a browser keeps the voter id: a year.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(365);

    // The cookie's attributes, as ASP.NET Core's CookieOptions would write them, written once: issuing
    // a voter is one string, not a CookieOptions, a header value object and its builder per vote
    // (they were about a tenth of what a vote allocated).
    private static readonly string Attributes = $"; max-age={(long)MaxAge.TotalSeconds}; path=/";
    private const string SecureAttribute = "; secure";
    private const string SiteAttributes = "; samesite=lax; httponly";

    public static bool TryRead(HttpContext context, out Guid voter)
    {
        voter = Guid.Empty;
        // No Cookie header (every first vote): no cookie collection to build and parse.
        return context.Request.Headers.Cookie.Count > 0
            && context.Request.Cookies.TryGetValue(Name, out var value)
            && value is { Length: VoterSigner.CookieLength }
            && context.RequestServices.GetRequiredService<VoterSigner>().TryVerify(value, out voter);
    }

    /// <summary>The voter of this request, issuing a new id (and cookie) when there is none.</summary>
    public static Guid GetOrIssue(HttpContext context)
    {
        if (TryRead(context, out var voter))
        {
            return voter;
        }
        voter = NewVoterId();
        var secure = context.Request.IsHttps;
        var signer = context.RequestServices.GetRequiredService<VoterSigner>();
        var length = Name.Length + 1 + VoterSigner.CookieLength + Attributes.Length + (secure ? SecureAttribute.Length : 0) + SiteAttributes.Length;
        var header = string.Create(length, (signer, voter, secure), static (chars, state) =>
        {
            var at = 0;
            Write(chars, ref at, Name);
            chars[at++] = '=';
            state.signer.Format(state.voter, chars.Slice(at, VoterSigner.CookieLength));
            at += VoterSigner.CookieLength;
            Write(chars, ref at, Attributes);
            if (state.secure)
            {
                Write(chars, ref at, SecureAttribute);
            }
            Write(chars, ref at, SiteAttributes);
        });
        context.Response.Headers.Append(HeaderNames.SetCookie, header);
        return voter;
    }

    // Random bytes for new voter ids, drawn from the system's generator 4 KB at a time for each thread:
    // 16 bytes asked of it on every new voter cost 1.1 µs a call (OpenSSL's locks and checks), 256
    // ids' worth at once costs the same per call. Each id's bytes are used once, then overwritten.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomAt;

    /// <summary>A new random 128-bit voter id, never the empty id.</summary>
    internal static Guid NewVoterId()
    {
        while (true)
        {
            var random = t_random ??= new byte[4096];
            if (t_randomAt == 0 || t_randomAt == random.Length)
            {
                RandomNumberGenerator.Fill(random);
                t_randomAt = 0;
            }
            var bytes = random.AsSpan(t_randomAt, 16);
            t_randomAt += 16;
            var id = new Guid(bytes);
            bytes.Clear();
            if (id != Guid.Empty)
            {
                return id;
            }
        }
    }

    private static void Write(Span<char> chars, ref int at, string text)
    {
        text.CopyTo(chars[at..]);
        at += text.Length;
    }
}

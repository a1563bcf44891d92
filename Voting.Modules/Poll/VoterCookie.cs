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
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        voter = new Guid(random);
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

    private static void Write(Span<char> chars, ref int at, string text)
    {
        text.CopyTo(chars[at..]);
        at += text.Length;
    }
}

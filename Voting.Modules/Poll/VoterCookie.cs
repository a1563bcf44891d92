using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Voting.Poll;

/// <summary>
/// The voter is a random 128-bit id in an HttpOnly, SameSite=Lax cookie. Anything else found in
/// the cookie is replaced, never trusted.
/// </summary>
public static class VoterCookie
{
    public const string Name = "voter";

    public static bool TryRead(HttpContext context, out Guid voter)
    {
        voter = Guid.Empty;
        return context.Request.Cookies.TryGetValue(Name, out var value)
            && value is { Length: 32 }
            && Guid.TryParseExact(value, "N", out voter)
            && voter != Guid.Empty;
    }

    /// <summary>The voter of this request, issuing a new id (and cookie) when there is none.</summary>
    public static Guid GetOrIssue(HttpContext context)
    {
        if (TryRead(context, out var voter))
        {
            return voter;
        }
        voter = new Guid(RandomNumberGenerator.GetBytes(16));
        context.Response.Cookies.Append(Name, voter.ToString("N"), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
        });
        return voter;
    }
}

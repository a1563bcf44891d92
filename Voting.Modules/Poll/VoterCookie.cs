using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Voting.Poll;

/// <summary>
/// The voter is a random 128-bit id, signed by the server (<see cref="VoterSigner"/>), in an
/// HttpOnly, SameSite=Lax cookie. A cookie the server did not sign (made up, altered, or from before
/// ids were signed) is replaced by a fresh id, never trusted.
/// </summary>
internal static class VoterCookie
{
    public const string Name = "voter";

    public static bool TryRead(HttpContext context, out Guid voter)
    {
        voter = Guid.Empty;
        return context.Request.Cookies.TryGetValue(Name, out var value)
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
        voter = new Guid(RandomNumberGenerator.GetBytes(16));
        var value = context.RequestServices.GetRequiredService<VoterSigner>().Format(voter);
        context.Response.Cookies.Append(Name, value, new CookieOptions
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

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Voting.Poll;

/// <summary>
/// The organiser's sign-in, kept in the browser rather than on the server: an HttpOnly,
/// SameSite=Strict cookie whose value Data Protection encrypts and signs (keys in Redis, so every
/// poll replica reads it). It names the admin token it was issued for, so changing the token signs
/// everyone out, and it expires after <see cref="Lifetime"/>.
/// </summary>
public sealed class AdminSession(IDataProtectionProvider dataProtection, IOptions<PollSettings> settings)
{
    public const string CookieName = "voting-admin";
    public const string CookiePath = "/admin";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Voting.Poll.AdminSession.v1").ToTimeLimitedDataProtector();

    private readonly string? _fingerprint = string.IsNullOrEmpty(settings.Value.AdminToken)
        ? null
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("admin-session:" + settings.Value.AdminToken)));

    public bool IsSignedIn(HttpContext http)
    {
        if (_fingerprint is null || !http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }
        try
        {
            var payload = _protector.Unprotect(value);
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(payload), Encoding.UTF8.GetBytes(_fingerprint));
        }
        catch (CryptographicException)
        {
            // Tampered with, expired, or protected by a key that no longer exists: not signed in.
            return false;
        }
    }

    public void SignIn(HttpContext http)
    {
        if (_fingerprint is null)
        {
            throw new InvalidOperationException("No admin token is configured.");
        }
        var value = _protector.Protect(_fingerprint, DateTimeOffset.UtcNow + Lifetime);
        http.Response.Cookies.Append(CookieName, value, Options(http, Lifetime));
    }

    public static void SignOut(HttpContext http) =>
        http.Response.Cookies.Delete(CookieName, Options(http, maxAge: null));

    private static CookieOptions Options(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        IsEssential = true,
        Path = CookiePath,
        MaxAge = maxAge,
    };
}

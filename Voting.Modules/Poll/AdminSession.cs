using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// The organiser's sign-in: an HttpOnly, SameSite=Strict cookie whose value Data Protection encrypts
/// and signs (keys in Redis, so every poll replica reads it). It names the admin token it was issued
/// for, so changing the token signs everyone out; it expires after <see cref="Lifetime"/>; and it
/// carries the session generation kept in Redis, so "Sign out everywhere" (which bumps the
/// generation) ends every session at once, on every replica, before its cookie expires.
/// </summary>
internal sealed class AdminSession(IDataProtectionProvider dataProtection, IOptions<AdminSettings> settings, IConnectionMultiplexer redis, TimeProvider time)
{
    public const string CookieName = "voting-admin";
    public const string CookiePath = "/admin";

    /// <summary>
    /// The same session cookie again for the API routes the admin page links to (the CSV download):
    /// a browser sends a cookie only under its path, and the rest of the site never needs it.
    /// </summary>
    public const string ApiCookiePath = "/api/polls";
    public const string GenerationKey = "voting:admin-sessions:generation";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Voting.Poll.AdminSession.v2").ToTimeLimitedDataProtector();

    private readonly string? _fingerprint = string.IsNullOrEmpty(settings.Value.AdminToken)
        ? null
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("admin-session:" + settings.Value.AdminToken)));

    /// <summary>Reads the generation from Redis: a RedisException becomes a 503, never a sign-in that cannot be revoked.</summary>
    public async Task<bool> IsSignedInAsync(HttpContext http)
    {
        if (_fingerprint is null || !http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }
        string payload;
        try
        {
            payload = _protector.Unprotect(value, out _);
        }
        catch (CryptographicException)
        {
            // Tampered with, expired, or protected by a key that no longer exists: not signed in.
            return false;
        }
        var separator = payload.LastIndexOf('|');
        if (separator < 0 || !long.TryParse(payload.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }
        var fingerprintMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(payload[..separator]), Encoding.UTF8.GetBytes(_fingerprint));
        return fingerprintMatches && generation == await CurrentGenerationAsync();
    }

    public async Task SignInAsync(HttpContext http)
    {
        if (_fingerprint is null)
        {
            throw new InvalidOperationException("No admin token is configured.");
        }
        var generation = await CurrentGenerationAsync();
        var value = _protector.Protect($"{_fingerprint}|{generation.ToString(CultureInfo.InvariantCulture)}", time.GetUtcNow() + Lifetime);
        http.Response.Cookies.Append(CookieName, value, Options(http, Lifetime, CookiePath));
        http.Response.Cookies.Append(CookieName, value, Options(http, Lifetime, ApiCookiePath));
    }

    public static void SignOut(HttpContext http)
    {
        http.Response.Cookies.Delete(CookieName, Options(http, maxAge: null, CookiePath));
        http.Response.Cookies.Delete(CookieName, Options(http, maxAge: null, ApiCookiePath));
    }

    /// <summary>Ends every admin session on every replica, this one's too.</summary>
    public async Task SignOutEverywhereAsync(HttpContext http)
    {
        await redis.GetDatabase().StringIncrementAsync(GenerationKey);
        SignOut(http);
    }

    private async Task<long> CurrentGenerationAsync() =>
        (long?)await redis.GetDatabase().StringGetAsync(GenerationKey) ?? 0;

    private static CookieOptions Options(HttpContext http, TimeSpan? maxAge, string path) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        IsEssential = true,
        Path = path,
        MaxAge = maxAge,
    };
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Voting.Web;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;Voting__AdminToken&gt;</c>. The comparison takes the same time
/// whatever the guess, since both sides are hashed to a fixed length first.
/// </summary>
internal sealed class AdminToken(IOptions<AdminSettings> settings)
{
    public const int MinimumLength = 16;

    private readonly byte[]? _hash = string.IsNullOrEmpty(settings.Value.AdminToken)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(settings.Value.AdminToken));

    public bool IsConfigured => _hash is not null;

    public bool Matches(string? candidate) =>
        _hash is not null && candidate is not null
        && CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    /// <summary>
    /// 401 without a bearer token, 403 with a wrong one (or while no token is configured), 429 once an
    /// address has sent too many wrong ones (<see cref="AdminGuesses"/>).
    /// </summary>
    public static async ValueTask<object?> RequireBearer(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Check(context.HttpContext) ?? await next(context);

    /// <summary>Null when the request carries the right Bearer token; otherwise the problem to answer (see <see cref="RequireBearer"/>).</summary>
    public static IResult? Check(HttpContext http)
    {
        var token = http.RequestServices.GetRequiredService<AdminToken>();
        var guesses = http.RequestServices.GetRequiredService<AdminGuesses>();
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Of(StatusCodes.Status401Unauthorized, "Poll management needs Authorization: Bearer <admin token>.");
        }
        if (guesses.IsBlocked(http, out var wait))
        {
            return Problems.TooMany(http, wait);
        }
        if (!token.Matches(header[scheme.Length..].Trim()))
        {
            guesses.Failed(http);
            return Problems.Of(StatusCodes.Status403Forbidden, "The admin token is wrong.");
        }
        return null;
    }
}

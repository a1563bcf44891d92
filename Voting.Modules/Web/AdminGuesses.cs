using Microsoft.AspNetCore.Http;

namespace Voting.Web;

/// <summary>
/// Wrong admin bearer tokens, counted per client address (IPv6 by /64): after
/// <see cref="PerAddressPerMinute"/> in a minute that address gets 429, even with the right token, until
/// the count fades, so guessing runs at ten a minute instead of thousands a second. A right token
/// costs nothing and is not counted.
/// </summary>
internal sealed class AdminGuesses(TimeProvider time)
{
    public const int PerAddressPerMinute = 10;

    private readonly WindowCounter _failures = new(TimeSpan.FromMinutes(1), 1 << 12, time);

    public bool IsBlocked(HttpContext http, out TimeSpan retryAfter) =>
        _failures.IsOver(ClientAddress.Group(http.Connection.RemoteIpAddress), 0, PerAddressPerMinute, out retryAfter);

    public void Failed(HttpContext http) => _failures.Add(ClientAddress.Group(http.Connection.RemoteIpAddress), 0);
}

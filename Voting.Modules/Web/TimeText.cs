using System.Globalization;

namespace Voting.Web;

/// <summary>Times as pages write them for people: UTC, spelled out, the same on every device.</summary>
internal static class TimeText
{
    /// <summary>For example "14:05:30 UTC on 30 November 2026".</summary>
    public static string Utc(DateTimeOffset at) =>
        at.UtcDateTime.ToString("HH:mm:ss 'UTC on' d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds since 1970 for a page's script, or empty for no time.</summary>
    public static string Millis(DateTimeOffset? at) =>
        at is { } t ? t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "";
}

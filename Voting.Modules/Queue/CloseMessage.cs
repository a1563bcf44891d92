using System.Globalization;
using StackExchange.Redis;

namespace Voting.Queue;

/// <summary>
/// The marker a close leaves in the vote stream: workers meet it in the same order as the votes,
/// so they know the poll is closed even if the poll process that closed it never reached PostgreSQL.
/// </summary>
internal readonly record struct CloseMessage(string PollId, DateTimeOffset ClosedAt)
{
    /// <summary>The field that tells a close marker from a vote.</summary>
    public const string ClosedAtField = "closed";

    public NameValueEntry[] ToEntry() =>
    [
        new(VoteMessage.PollField, PollId),
        new(ClosedAtField, ClosedAt.ToUnixTimeMilliseconds()),
    ];

    public static bool IsClose(NameValueEntry[] values)
    {
        foreach (var value in values)
        {
            if (value.Name == ClosedAtField)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Reads a marker that anyone with access to Redis could have written: every field is checked.</summary>
    public static bool TryParse(NameValueEntry[] values, out CloseMessage close, out string reason)
    {
        close = default;
        string? poll = null, closedAt = null;
        foreach (var entry in values)
        {
            var name = entry.Name.ToString();
            var value = entry.Value.IsNull ? string.Empty : entry.Value.ToString();
            if (name == VoteMessage.PollField && poll is null)
            {
                poll = value;
            }
            else if (name == ClosedAtField && closedAt is null)
            {
                closedAt = value;
            }
            else
            {
                reason = $"unexpected or repeated field '{(name.Length <= 40 ? name : name[..40] + "…")}' in a close marker";
                return false;
            }
        }
        if (!Ids.IsValid(poll))
        {
            reason = "missing or malformed poll id";
            return false;
        }
        if (closedAt is null || !long.TryParse(closedAt, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms < 946_684_800_000 || ms > 32_503_680_000_000)
        {
            reason = "missing or implausible closing time";
            return false;
        }
        close = new CloseMessage(poll!, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        reason = string.Empty;
        return true;
    }
}

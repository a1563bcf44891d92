using System.Globalization;
using StackExchange.Redis;

namespace Voting.Queue;

/// <summary>A vote as it travels through the stream: poll, option, voter and the time it was cast.</summary>
internal readonly record struct VoteMessage(string PollId, string OptionId, Guid VoterId, DateTimeOffset CastAt)
{
    public const string PollField = "p";
    public const string OptionField = "o";
    public const string VoterField = "v";
    public const string CastAtField = "t";

    public NameValueEntry[] ToEntry() =>
    [
        new(PollField, PollId),
        new(OptionField, OptionId),
        new(VoterField, VoterId.ToString("N")),
        new(CastAtField, CastAt.ToUnixTimeMilliseconds()),
    ];

    /// <summary>
    /// Reads an entry that anyone with access to Redis could have written: every field is checked,
    /// and a bad one is named in <paramref name="reason"/> for the dead-letter stream.
    /// </summary>
    public static bool TryParse(NameValueEntry[] values, out VoteMessage vote, out string reason)
    {
        vote = default;
        string? poll = null, option = null, voter = null, castAt = null;
        foreach (var entry in values)
        {
            string name = entry.Name.ToString();
            ref string? slot = ref poll;
            switch (name)
            {
                case PollField: slot = ref poll; break;
                case OptionField: slot = ref option; break;
                case VoterField: slot = ref voter; break;
                case CastAtField: slot = ref castAt; break;
                default:
                    reason = $"unknown field '{Truncate(name)}'";
                    return false;
            }
            if (slot is not null)
            {
                reason = $"field '{name}' appears twice";
                return false;
            }
            slot = entry.Value.IsNull ? string.Empty : entry.Value.ToString();
        }
        if (!Ids.IsValid(poll))
        {
            reason = "missing or malformed poll id";
            return false;
        }
        if (!Ids.IsValid(option))
        {
            reason = "missing or malformed option id";
            return false;
        }
        if (voter is null || voter.Length != 32 || !Guid.TryParseExact(voter, "N", out var voterId))
        {
            reason = "missing or malformed voter id";
            return false;
        }
        if (castAt is null || !long.TryParse(castAt, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms < 946_684_800_000 || ms > 32_503_680_000_000)
        {
            reason = "missing or implausible cast time";
            return false;
        }
        vote = new VoteMessage(poll!, option!, voterId, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        reason = string.Empty;
        return true;
    }

    /// <summary>Orders one voter's votes by their stream entry id: see <see cref="StreamId.TryGetVersion"/>.</summary>
    public static bool TryGetVersion(RedisValue entryId, out long version)
    {
        version = 0;
        return StreamId.TryParse(entryId, out var id) && id.TryGetVersion(out version);
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

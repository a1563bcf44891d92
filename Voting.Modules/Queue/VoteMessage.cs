using System.Globalization;
using StackExchange.Redis;

namespace Voting.Queue;

/// <summary>
/// A ballot as it travels through the stream: poll, voter, the time it was cast, and one of: an option
/// (<c>o</c>: single choice and rating, the only form before question types, so entries written by
/// either release read alike), several options (<c>c</c>: multiple choice) or words (<c>w</c>). A set
/// travels as one field, its members joined by U+001F, which neither an id nor a word may hold.
/// </summary>
internal readonly record struct VoteMessage(string PollId, string? OptionId, Guid VoterId, DateTimeOffset CastAt)
{
    public const string PollField = "p";
    public const string OptionField = "o";
    public const string ChoicesField = "c";
    public const string WordsField = "w";
    public const string VoterField = "v";
    public const string CastAtField = "t";

    /// <summary>The most members a set may have in an entry: a poll has at most 10 options and takes at most 5 words.</summary>
    public const int MaxSetSize = 10;

    private const char Separator = '\u001F';

    /// <summary>Multiple choice: distinct option ids (then <see cref="OptionId"/> is null).</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Words: distinct normalised words (then <see cref="OptionId"/> is null).</summary>
    public IReadOnlyList<string>? Words { get; init; }

    /// <summary>How many fields an entry has: poll, ballot, voter, time.</summary>
    public const int FieldCount = 4;

    /// <summary>The entry, for XADD as the client takes it (the bench's bare endpoint, tests).</summary>
    public NameValueEntry[] ToEntry() =>
        [new(PollField, PollId), BallotField(), new(VoterField, VoterId.ToString("N")), new(CastAtField, CastAt.ToUnixTimeMilliseconds())];

    /// <summary>
    /// The same entry as <see cref="ToEntry"/>, names and values in turn, into the first
    /// 2 × <see cref="FieldCount"/> of <paramref name="values"/>: a vote's script arguments are one
    /// array, not an entry copied into it.
    /// </summary>
    public void WriteEntry(Span<RedisValue> values)
    {
        var ballot = BallotField();
        values[0] = PollField;
        values[1] = PollId;
        values[2] = ballot.Name;
        values[3] = ballot.Value;
        values[4] = VoterField;
        values[5] = VoterId.ToString("N");
        values[6] = CastAtField;
        values[7] = CastAt.ToUnixTimeMilliseconds();
    }

    private NameValueEntry BallotField() =>
        Choices is { } choices ? new(ChoicesField, string.Join(Separator, choices))
            : Words is { } words ? new(WordsField, string.Join(Separator, words))
            : new(OptionField, OptionId);

    /// <summary>
    /// Reads an entry that anyone with access to Redis could have written: every field is checked,
    /// and a bad one is named in <paramref name="reason"/> for the dead-letter stream.
    /// </summary>
    public static bool TryParse(NameValueEntry[] values, out VoteMessage vote, out string reason)
    {
        vote = default;
        string? poll = null, option = null, choices = null, words = null, voter = null, castAt = null;
        foreach (var entry in values)
        {
            string name = entry.Name.ToString();
            ref string? slot = ref poll;
            switch (name)
            {
                case PollField: slot = ref poll; break;
                case OptionField: slot = ref option; break;
                case ChoicesField: slot = ref choices; break;
                case WordsField: slot = ref words; break;
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
        if ((option is null ? 0 : 1) + (choices is null ? 0 : 1) + (words is null ? 0 : 1) > 1)
        {
            reason = "more than one ballot field";
            return false;
        }
        IReadOnlyList<string>? choiceSet = null, wordSet = null;
        if (choices is not null)
        {
            if (ReadSet(choices, Ids.IsValid) is not { } set)
            {
                reason = "malformed choices";
                return false;
            }
            choiceSet = set;
        }
        else if (words is not null)
        {
            if (ReadSet(words, WordText.IsNormalized) is not { } set)
            {
                reason = "malformed words";
                return false;
            }
            wordSet = set;
        }
        else if (!Ids.IsValid(option))
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
        vote = new VoteMessage(poll!, choiceSet is null && wordSet is null ? option : null, voterId, DateTimeOffset.FromUnixTimeMilliseconds(ms))
        {
            Choices = choiceSet,
            Words = wordSet,
        };
        reason = string.Empty;
        return true;
    }

    /// <summary>A set's members, each valid, duplicates dropped (a set counts each member once), in ordinal order; null when malformed.</summary>
    private static string[]? ReadSet(string joined, Func<string, bool> isValid)
    {
        var members = joined.Split(Separator);
        if (members.Length > MaxSetSize || !Array.TrueForAll(members, m => isValid(m)))
        {
            return null;
        }
        var set = members.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(set, StringComparer.Ordinal);
        return set;
    }

    /// <summary>Orders one voter's votes by their stream entry id: see <see cref="StreamId.TryGetVersion"/>.</summary>
    public static bool TryGetVersion(RedisValue entryId, out long version)
    {
        version = 0;
        return StreamId.TryParse(entryId, out var id) && id.TryGetVersion(out version);
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

using System.Globalization;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// What a voter chose, in the form of the poll's type: one option (single choice, and rating with the
/// scale value as the option id), distinct options (multiple choice), or distinct normalised words.
/// </summary>
internal sealed record Ballot(string? OptionId, IReadOnlyList<string>? Choices = null, IReadOnlyList<string>? Words = null)
{
    public static Ballot Of(string optionId) => new(optionId);

    /// <summary>Whether the ballot fits the poll: its type's form, known options, no more than the poll allows.</summary>
    public bool Fits(PollDefinition poll) => poll.Type switch
    {
        PollType.Multiple => Choices is { Count: > 0 } choices && choices.Count <= (poll.MaxChoices ?? poll.Options.Count)
            && choices.All(c => poll.FindOption(c) is not null),
        PollType.Words => Words is { Count: > 0 } words && words.Count <= (poll.MaxWords ?? 1),
        _ => OptionId is { } option && poll.FindOption(option) is not null,
    };
}

/// <summary>
/// Reads a vote body for a poll of a type other than single choice. A body of another type's shape is
/// 422 naming the field this poll expects; the field's own rules (how many, which values, what text)
/// are 422 too, saying what is allowed.
/// </summary>
internal static class BallotRequest
{
    public static (Ballot? Ballot, string? Problem) Read(PollDefinition poll, VoteRequest request) => poll.Type switch
    {
        PollType.Multiple => Multiple(poll, request),
        PollType.Rating => Rating(poll, request),
        PollType.Words => Words(poll, request),
        _ => (null, "This poll takes {\"optionId\": \"…\"}."),
    };

    /// <summary>What a body for this poll looks like, for the 422 of a wrong shape.</summary>
    public static string Expected(PollDefinition poll) => poll.Type switch
    {
        PollType.Multiple => $"This poll takes {{\"optionIds\": [\"…\"]}}: 1 to {MaxChoices(poll)} distinct option ids.",
        PollType.Rating => $"This poll takes {{\"rating\": N}}: a whole number from {poll.Scale?.Min ?? 1} to {poll.Scale?.Max ?? 5}.",
        PollType.Words => $"This poll takes {{\"words\": [\"…\"]}}: 1 to {poll.MaxWords ?? 1} words of 1 to {WordText.MaxLength} characters.",
        _ => "This poll takes {\"optionId\": \"…\"}.",
    };

    /// <summary>True when the body carries a field of another type than <paramref name="type"/>.</summary>
    public static bool HasOtherFields(VoteRequest request, PollType type) =>
        (type != PollType.Single && request.OptionId is not null)
        || (type != PollType.Multiple && request.OptionIds is not null)
        || (type != PollType.Rating && request.Rating is not null)
        || (type != PollType.Words && request.Words is not null);

    private static int MaxChoices(PollDefinition poll) => poll.MaxChoices ?? poll.Options.Count;

    private static (Ballot?, string?) Multiple(PollDefinition poll, VoteRequest request)
    {
        if (HasOtherFields(request, PollType.Multiple) || request.OptionIds is not { } ids
            || ids.Count < 1 || ids.Count > MaxChoices(poll) || ids.Any(id => id is null))
        {
            return (null, Expected(poll));
        }
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            return (null, "Each option may be chosen once: " + Expected(poll));
        }
        if (ids.Any(id => !Ids.IsValid(id) || poll.FindOption(id!) is null))
        {
            return (null, "This poll has no such option.");
        }
        var choices = ids.Select(id => id!).Order(StringComparer.Ordinal).ToArray();
        return (new Ballot(null, Choices: choices), null);
    }

    private static (Ballot?, string?) Rating(PollDefinition poll, VoteRequest request)
    {
        if (HasOtherFields(request, PollType.Rating) || request.Rating is not { } rating
            || poll.FindOption(rating.ToString(CultureInfo.InvariantCulture)) is not { } value)
        {
            return (null, Expected(poll));
        }
        return (Ballot.Of(value.Id), null);
    }

    private static (Ballot?, string?) Words(PollDefinition poll, VoteRequest request)
    {
        if (HasOtherFields(request, PollType.Words) || request.Words is not { } given
            || given.Count < 1 || given.Count > (poll.MaxWords ?? 1) || HasNull(given))
        {
            return (null, Expected(poll));
        }
        // Indexed loops and no comparer objects: this runs for every words ballot.
        var words = new List<string>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (Word(given[i]!) is not { } word)
            {
                return (null, $"Each word is 1 to {WordText.MaxLength} characters of visible text, without control characters: " + Expected(poll));
            }
            // Two entries that normalise alike count once (string equality is ordinal).
            if (!words.Contains(word))
            {
                words.Add(word);
            }
        }
        if (words.Count > 1)
        {
            words.Sort(string.CompareOrdinal);
        }
        return (new Ballot(null, Words: words), null);
    }

    private static bool HasNull(IReadOnlyList<string?> given)
    {
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is null)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A word as it is counted, or null when it cannot be one: 1 to 30 characters after trimming,
    /// text a poll may show (no control, invisible or direction-changing character), and a normal
    /// form the worker will accept as it is.
    /// </summary>
    public static string? Word(string raw)
    {
        var trimmed = raw.Trim();
        if (trimmed.Length == 0 || PollText.Problem(trimmed) is not null || WordText.Length(trimmed) > WordText.MaxLength)
        {
            return null;
        }
        var word = WordText.Normalize(trimmed);
        return WordText.IsNormalized(word) ? word : null;
    }
}

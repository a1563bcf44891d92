using Microsoft.AspNetCore.Http;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// Reads the vote page's form post into a ballot through the same rules as the JSON API
/// (<see cref="BallotRequest"/>), with messages for a person rather than a program.
/// </summary>
internal static class FormBallot
{
    /// <summary>More values than any ballot may hold: anything past it is not a vote from the page.</summary>
    private const int MaxValues = 16;

    public static (Ballot? Ballot, string? Problem) Read(PollDefinition poll, IFormCollection form)
    {
        if (poll.Type is PollType.Single or PollType.Rating)
        {
            var optionId = form["optionId"].Count == 1 ? form["optionId"][0] : null;
            return !string.IsNullOrEmpty(optionId) && Ids.IsValid(optionId) && poll.FindOption(optionId) is { } option
                ? (Ballot.Of(option.Id), null)
                : (null, Hint(poll));
        }
        var field = poll.Type == PollType.Multiple ? form["optionIds"] : form["words"];
        if (field.Count > MaxValues)
        {
            return (null, Hint(poll));
        }
        var given = field.Where(v => !string.IsNullOrWhiteSpace(v)).ToArray();
        if (given.Length == 0)
        {
            return (null, Hint(poll));
        }
        var request = poll.Type == PollType.Multiple
            ? new VoteRequest(null) { OptionIds = given }
            : new VoteRequest(null) { Words = given };
        var (ballot, _) = BallotRequest.Read(poll, request);
        return ballot is null ? (null, Hint(poll)) : (ballot, null);
    }

    /// <summary>
    /// What the voter ticked or typed, to draw the form again as it was when the ballot did not count
    /// (too many ticks, a word too long): nothing is lost by a 422. Bounded as <see cref="Read"/> is.
    /// </summary>
    public static TypedBallot Typed(IFormCollection form) => new(
        form["optionIds"].Take(MaxValues).OfType<string>().ToArray(),
        form["words"].Take(MaxValues).OfType<string>().ToArray());

    /// <summary>What the page asks for, said as the page would.</summary>
    public static string Hint(PollDefinition poll) => poll.Type switch
    {
        PollType.Multiple => (poll.MaxChoices ?? poll.Options.Count) is var max && max == 1
            ? "Choose one of the options."
            : $"Choose 1 to {poll.MaxChoices ?? poll.Options.Count} of the options.",
        PollType.Rating => $"Choose a value from {poll.Scale?.Min ?? 1} to {poll.Scale?.Max ?? 5}.",
        PollType.Words => $"Give 1 to {poll.MaxWords ?? 1} words, each 1 to {WordText.MaxLength} characters of visible text.",
        _ => "Choose one of the options.",
    };
}

/// <summary>A form as the voter filled it: the ticked option ids and the words typed, in order.</summary>
internal sealed record TypedBallot(IReadOnlyList<string> OptionIds, IReadOnlyList<string> Words)
{
    public static readonly TypedBallot None = new([], []);
}

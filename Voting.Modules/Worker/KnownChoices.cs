using Voting.Storage;

namespace Voting.Worker;

/// <summary>
/// The polls that exist, with their types and options, so an entry naming anything else, or a ballot
/// that does not fit its poll's type, is dead-lettered rather than failing its whole batch on a
/// foreign key or a check. Reloaded whenever an entry names an unknown poll or choice: a poll is
/// stored before any vote for it can be taken.
/// </summary>
internal sealed class KnownChoices(PollStore store)
{
    public const string UnknownReason = "unknown poll or option";

    private Dictionary<string, (PollDefinition Poll, HashSet<string> Options)> _polls = new(StringComparer.Ordinal);

    public bool Contains(VoteRow vote) => Fit(vote).Row is not null;

    /// <summary>
    /// The ballot as its poll's type stores it, or the reason it cannot be stored. An entry with one
    /// option (the only form the release before question types writes) for a multiple-choice poll is
    /// a ballot of one choice.
    /// </summary>
    public (VoteRow? Row, string Reason) Fit(VoteRow vote)
    {
        if (!_polls.TryGetValue(vote.PollId, out var known))
        {
            return (null, UnknownReason);
        }
        var (poll, options) = known;
        switch (poll.Type)
        {
            case PollType.Multiple:
                var choices = vote.Choices ?? (vote.OptionId is { } one ? new[] { one } : null);
                if (choices is null)
                {
                    return (null, "a ballot that does not fit a multiple-choice poll");
                }
                if (!choices.All(options.Contains))
                {
                    return (null, UnknownReason);
                }
                return choices.Count <= (poll.MaxChoices ?? poll.Options.Count)
                    ? (vote with { OptionId = null, Choices = choices }, "")
                    : (null, "more choices than the poll allows");
            case PollType.Words:
                if (vote.Words is not { } words)
                {
                    return (null, "a ballot that does not fit a words poll");
                }
                return words.Count <= (poll.MaxWords ?? 1) ? (vote, "") : (null, "more words than the poll allows");
            default:
                if (vote.OptionId is not { } option)
                {
                    return (null, $"a ballot that does not fit a {PollTypes.Name(poll.Type)} poll");
                }
                return options.Contains(option) ? (vote, "") : (null, UnknownReason);
        }
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var polls = await store.LoadChangedAsync(0, cancellationToken);
        _polls = polls.ToDictionary(p => p.Poll.Id, p => (p.Poll, p.Poll.Options.Select(o => o.Id).ToHashSet(StringComparer.Ordinal)), StringComparer.Ordinal);
    }
}

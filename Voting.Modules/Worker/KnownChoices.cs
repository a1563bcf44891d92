using Voting.Storage;

namespace Voting.Worker;

/// <summary>
/// The (poll, option) pairs that exist, so an entry naming anything else is dead-lettered rather
/// than failing its whole batch on a foreign key. Reloaded whenever an entry names an unknown pair:
/// a poll is stored before any vote for it can be taken.
/// </summary>
internal sealed class KnownChoices(PollStore store)
{
    private HashSet<(string Poll, string Option)> _known = [];

    public bool Contains(VoteRow vote) => _known.Contains((vote.PollId, vote.OptionId));

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var polls = await store.LoadChangedAsync(0, cancellationToken);
        _known = polls.SelectMany(p => p.Poll.Options.Select(o => (p.Poll.Id, o.Id))).ToHashSet();
    }
}

using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// The organiser shows or hides a poll's results, whatever its mode. The change goes to PostgreSQL,
/// whose notification makes every result process push the poll again within its push interval.
/// </summary>
internal sealed class PollReveal(PollCatalog catalog, PollStore store)
{
    /// <summary>The poll as changed, or null when there is no such poll.</summary>
    public async Task<PollDefinition?> SetAsync(string pollId, bool revealed, CancellationToken cancellationToken)
    {
        // The update reads the poll back: no such row is no such poll, without a lookup first.
        var poll = Ids.IsValid(pollId) ? await store.SetRevealedAsync(pollId, revealed, cancellationToken) : null;
        if (poll is not null)
        {
            catalog.Put(poll);
        }
        return poll;
    }
}

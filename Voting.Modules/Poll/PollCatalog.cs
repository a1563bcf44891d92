using System.Collections.Immutable;
using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// Poll definitions held in memory, so a vote is checked without a database round trip and voting
/// goes on while PostgreSQL is down. Readers see an immutable snapshot; writers swap it.
/// </summary>
public sealed class PollCatalog
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, PollDefinition> _polls = ImmutableDictionary.Create<string, PollDefinition>(StringComparer.Ordinal);

    /// <summary>True once the polls have been read from the database at least once.</summary>
    public bool Loaded { get; private set; }

    public long Revision { get; private set; }

    public PollDefinition? Find(string pollId) => _polls.GetValueOrDefault(pollId);

    public IReadOnlyList<PollDefinition> All => _polls.Values.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Applies polls read from the database. Polls are never deleted and a close is never undone, so
    /// a read merges into what is known: a read that started before this process created or closed
    /// a poll cannot make the poll vanish or reopen when it lands.
    /// </summary>
    public void Apply(IReadOnlyList<(PollDefinition Poll, long Revision)> changed)
    {
        lock (_gate)
        {
            var builder = _polls.ToBuilder();
            var revision = Revision;
            foreach (var (poll, pollRevision) in changed)
            {
                Merge(builder, poll);
                revision = Math.Max(revision, pollRevision);
            }
            _polls = builder.ToImmutable();
            Revision = revision;
            Loaded = true;
        }
    }

    /// <summary>Takes a poll this process just created or closed, without waiting for a refresh.</summary>
    public void Put(PollDefinition poll)
    {
        lock (_gate)
        {
            var builder = _polls.ToBuilder();
            Merge(builder, poll);
            _polls = builder.ToImmutable();
        }
    }

    private static void Merge(ImmutableDictionary<string, PollDefinition>.Builder polls, PollDefinition poll) =>
        polls[poll.Id] = !poll.Closed && polls.TryGetValue(poll.Id, out var known) && known.Closed ? poll with { Closed = true } : poll;
}

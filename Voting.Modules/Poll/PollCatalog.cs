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

    /// <summary>Applies polls read from the database. A full read replaces the whole catalog.</summary>
    public void Apply(IReadOnlyList<(PollDefinition Poll, long Revision)> changed, bool full)
    {
        lock (_gate)
        {
            var builder = full ? ImmutableDictionary.CreateBuilder<string, PollDefinition>(StringComparer.Ordinal) : _polls.ToBuilder();
            var revision = full ? 0 : Revision;
            foreach (var (poll, pollRevision) in changed)
            {
                builder[poll.Id] = poll;
                revision = Math.Max(revision, pollRevision);
            }
            _polls = builder.ToImmutable();
            Revision = Math.Max(Revision, revision);
            Loaded = true;
        }
    }

    /// <summary>Takes a poll this process just created or closed, without waiting for a refresh.</summary>
    public void Put(PollDefinition poll)
    {
        lock (_gate)
        {
            _polls = _polls.SetItem(poll.Id, poll);
        }
    }
}

using System.Collections.Immutable;
using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// Poll definitions held in memory, so a vote is checked without a database round trip and voting
/// goes on while PostgreSQL is down. Readers see an immutable snapshot; writers swap it.
/// </summary>
internal sealed class PollCatalog(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly Lock _gate = new();
    private ImmutableDictionary<string, PollDefinition> _polls = ImmutableDictionary.Create<string, PollDefinition>(StringComparer.Ordinal);
    private (PollDefinition[] All, PollDefinition[] Open) _newestFirst = ([], []);

    /// <summary>True once the polls have been read from the database at least once.</summary>
    public bool Loaded { get; private set; }

    public long Revision { get; private set; }

    public PollDefinition? Find(string pollId) => _polls.GetValueOrDefault(pollId);

    /// <summary>
    /// A poll from memory, or from the database when this catalog has not seen it yet (created through
    /// another process a moment ago); null for an invalid id or no such poll.
    /// </summary>
    public async Task<PollDefinition?> FindOrReadAsync(string pollId, PollStore store, CancellationToken cancellationToken) =>
        !Ids.IsValid(pollId) ? null : Find(pollId) ?? await store.FindAsync(pollId, cancellationToken);

    public int Count => _polls.Count;

    /// <summary>
    /// One page of polls, newest first, after the poll <paramref name="after"/> (the last of the page
    /// before; null for the first page). Null when <paramref name="after"/> names no poll. Lists are
    /// paged because they grow with every poll ever made, and anyone may ask for them.
    /// </summary>
    public PollPage? Page(string? after, int limit, bool openOnly = false)
    {
        var list = openOnly ? StillOpen(_newestFirst.Open) : _newestFirst.All;
        var start = 0;
        if (after is not null)
        {
            if (Find(after) is not { } last)
            {
                return null;
            }
            // The position just past the cursor poll, whether or not it is still in this list.
            var at = Array.BinarySearch(list, last, NewestFirst.Instance);
            start = at >= 0 ? at + 1 : ~at;
        }
        var count = Math.Clamp(list.Length - start, 0, limit);
        var polls = list.AsSpan(start, count).ToArray();
        return new PollPage(polls, start + count < list.Length ? polls[^1].Id : null);
    }

    /// <summary>The open list less the polls whose timer has run out since it was built.</summary>
    private PollDefinition[] StillOpen(PollDefinition[] open)
    {
        var now = _time.GetUtcNow();
        return Array.Exists(open, p => p.ClosesAt <= now) ? Array.FindAll(open, p => !(p.ClosesAt <= now)) : open;
    }

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
            Swap(builder.ToImmutable());
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
            Swap(builder.ToImmutable());
        }
    }

    private void Swap(ImmutableDictionary<string, PollDefinition> polls)
    {
        var all = polls.Values.ToArray();
        Array.Sort(all, NewestFirst.Instance);
        _newestFirst = (all, Array.FindAll(all, p => !p.Closed));
        _polls = polls;
    }

    private static void Merge(ImmutableDictionary<string, PollDefinition>.Builder polls, PollDefinition poll) =>
        polls[poll.Id] = !poll.Closed && polls.TryGetValue(poll.Id, out var known) && known.Closed ? poll with { Closed = true } : poll;
}

/// <summary>A page of polls and the cursor for the next one (null on the last page).</summary>
internal sealed record PollPage(IReadOnlyList<PollDefinition> Polls, string? NextAfter);

internal sealed class NewestFirst : IComparer<PollDefinition>
{
    public static readonly NewestFirst Instance = new();

    public int Compare(PollDefinition? x, PollDefinition? y) =>
        x is null || y is null ? Comparer<object?>.Default.Compare(x, y)
        : y.CreatedAt.CompareTo(x.CreatedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
}

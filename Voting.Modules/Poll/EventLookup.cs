using System.Collections.Concurrent;
using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// Open events by code, as the audience's pages and <c>GET /api/events/{code}</c> read them: kept
/// for a second, so a room of phones opening the page together costs one read, not one each. A
/// change made through this process is seen here at once (<see cref="Forget"/>); one made through
/// another poll process within the second. The phones themselves follow the result role's hub,
/// which is told of every change at once. At most <see cref="MaxEntries"/> codes are kept (unknown
/// codes included), so made-up codes cannot grow it.
/// </summary>
internal sealed class EventLookup(EventStore store, TimeProvider time)
{
    public const int MaxEntries = 1000;
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (EventView? View, long At)> _byCode = new(StringComparer.Ordinal);

    /// <summary>The open event with this code (any case), its live poll and its polls; null for an unknown or closed code.</summary>
    public async Task<EventView?> FindAsync(string? code, CancellationToken cancellationToken)
    {
        if (EventCodes.Normalize(code) is not { } normalized)
        {
            return null;
        }
        var now = time.GetTimestamp();
        if (_byCode.TryGetValue(normalized, out var kept) && time.GetElapsedTime(kept.At, now) < KeepFor)
        {
            return kept.View;
        }
        var found = await store.FindOpenByCodeAsync(normalized, cancellationToken);
        var view = found is null ? null : new EventView(found.Id, found.Code, found.Title, found.LivePollId, await store.PollsAsync(found.Id, cancellationToken));
        if (_byCode.Count >= MaxEntries)
        {
            _byCode.Clear();
        }
        _byCode[normalized] = (view, now);
        return view;
    }

    public void Forget(string code) => _byCode.TryRemove(code, out _);
}

using System.Collections.Concurrent;

namespace Voting.Result;

/// <summary>Which connections watch which polls, so pushes go only where someone is looking.</summary>
internal sealed class Subscriptions(Telemetry telemetry)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _viewers = new(StringComparer.Ordinal);

    /// <summary>Polls one connection may watch: a page watches one; the bound keeps a client from growing our state.</summary>
    public const int MaxPerConnection = 20;

    public static string Group(string pollId) => "poll:" + pollId;

    public bool CanAdd(string connectionId, string pollId) =>
        !_byConnection.TryGetValue(connectionId, out var polls) || polls.ContainsKey(pollId) || polls.Count < MaxPerConnection;

    public bool Add(string connectionId, string pollId)
    {
        var polls = _byConnection.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        if (!polls.TryAdd(pollId, 0))
        {
            return false;
        }
        _viewers.AddOrUpdate(pollId, 1, (_, n) => n + 1);
        telemetry.AddViewers(1);
        return true;
    }

    public bool Remove(string connectionId, string pollId)
    {
        if (!_byConnection.TryGetValue(connectionId, out var polls) || !polls.TryRemove(pollId, out _))
        {
            return false;
        }
        Decrement(pollId);
        return true;
    }

    public void RemoveConnection(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var polls))
        {
            foreach (var pollId in polls.Keys)
            {
                Decrement(pollId);
            }
        }
    }

    public bool IsWatched(string pollId) => _viewers.TryGetValue(pollId, out var n) && n > 0;

    public IReadOnlyCollection<string> WatchedPolls => _viewers.Where(p => p.Value > 0).Select(p => p.Key).ToArray();

    private void Decrement(string pollId)
    {
        _viewers.AddOrUpdate(pollId, 0, (_, n) => Math.Max(0, n - 1));
        telemetry.AddViewers(-1);
    }
}

using System.Collections.Concurrent;
using Voting.Storage;

namespace Voting.Result;

/// <summary>
/// The poll ids this result process has seen exist, so that asking for a poll that does not exist
/// costs a query only within a budget: at most <see cref="LookupsPerSecond"/> lookups of unseen ids
/// a second per process, beyond which an unseen id is answered "no such poll" from memory. A real
/// poll is looked up once and then known; a flood of made-up ids costs a bounded number of queries.
/// </summary>
internal sealed class KnownPolls(ResultStore store, TimeProvider time)
{
    public const int LookupsPerSecond = 50;

    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<bool>> _lookups = new(StringComparer.Ordinal);
    private readonly LookupBudget _budget = new(LookupsPerSecond, time);

    public async ValueTask<bool> ExistsAsync(string pollId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(pollId))
        {
            return false;
        }
        if (_known.ContainsKey(pollId))
        {
            return true;
        }
        // Many viewers opening a new poll at once share one lookup.
        if (_lookups.TryGetValue(pollId, out var running))
        {
            return await running.WaitAsync(cancellationToken);
        }
        if (!TakeLookup())
        {
            return false;
        }
        var lookup = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_lookups.TryAdd(pollId, lookup.Task))
        {
            return _lookups.TryGetValue(pollId, out running) ? await running.WaitAsync(cancellationToken) : _known.ContainsKey(pollId);
        }
        try
        {
            var exists = await store.ExistsAsync(pollId, CancellationToken.None);
            if (exists)
            {
                _known.TryAdd(pollId, 0);
            }
            lookup.SetResult(exists);
            return exists;
        }
        catch (Exception e)
        {
            lookup.SetException(e);
            throw;
        }
        finally
        {
            _lookups.TryRemove(pollId, out _);
        }
    }

    private bool TakeLookup() => _budget.TryTake();
}

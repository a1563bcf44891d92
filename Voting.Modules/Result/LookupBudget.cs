namespace Voting.Result;

/// <summary>
/// A token bucket for database lookups an anonymous client can cause (a made-up poll id, a made-up
/// event code): at most <c>perSecond</c> a second on average, bursts of as many, and no memory per caller.
/// </summary>
internal sealed class LookupBudget(int perSecond, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = perSecond;
    private long _at = time.GetTimestamp();

    /// <summary>Takes one lookup from the budget; false when it is spent for now.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(perSecond, _tokens + time.GetElapsedTime(_at, now).TotalSeconds * perSecond);
            _at = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens--;
            return true;
        }
    }
}

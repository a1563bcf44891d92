namespace Voting;

/// <summary>
/// A wait that starts at <c>first</c>, doubles each time up to <c>cap</c>, and starts over after
/// <see cref="Reset"/>: the worker's idle wait and its error backoff, and the result listener's
/// reconnect, all wait this way.
/// </summary>
internal sealed class Backoff(TimeSpan first, TimeSpan cap)
{
    public TimeSpan Current { get; private set; } = TimeSpan.Zero;

    /// <summary>The next wait: <c>first</c> after a reset, then twice the last, at most <c>cap</c>.</summary>
    public TimeSpan Next()
    {
        Current = Current == TimeSpan.Zero ? first : TimeSpan.FromTicks(Math.Min(Current.Ticks * 2, cap.Ticks));
        return Current;
    }

    public void Reset() => Current = TimeSpan.Zero;

    /// <summary>Waits the current step (the one <see cref="Next"/> gave); false when cancelled instead.</summary>
    public async Task<bool> WaitAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Current, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>A periodic job's timetable by the <see cref="TimeProvider"/>'s clock: due every period, first after a delay.</summary>
internal sealed class Every(TimeSpan period, TimeProvider time, TimeSpan firstAfter = default)
{
    private long _due = time.GetTimestamp() + (long)(firstAfter.TotalSeconds * time.TimestampFrequency);

    public bool IsDue => time.GetTimestamp() >= _due;

    /// <summary>True when due, and then due again one period from now.</summary>
    public bool TakeIfDue()
    {
        var now = time.GetTimestamp();
        if (now < _due)
        {
            return false;
        }
        _due = now + (long)(period.TotalSeconds * time.TimestampFrequency);
        return true;
    }
}

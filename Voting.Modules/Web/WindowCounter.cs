namespace Voting.Web;

/// <summary>
/// Counts events per key over a sliding window in a fixed amount of memory, however many keys
/// come: a count-min sketch (two rows of counters, the smaller of a key's two cells is its count)
/// for the current window and the one before, blended by how far the current one has run.
/// Memory is <c>4 × width × 4</c> bytes whatever a flood sends, and nothing is allocated per key.
/// Collisions can only make a count larger, never smaller, so a limit is never looser than set;
/// with 65,536 cells a row, two unrelated keys share both cells with odds of about one in 4 billion.
/// The hash is seeded per process (<see cref="HashCode"/>), so collisions cannot be aimed from outside.
/// </summary>
internal sealed class WindowCounter
{
    private const int Rows = 2;

    private readonly long _windowTicks;
    private readonly int _mask;
    private readonly TimeProvider _time;
    private readonly Lock _rotation = new();
    private int[] _current;
    private int[] _previous;
    private long _window;

    public WindowCounter(TimeSpan window, int width, TimeProvider time)
    {
        if (width <= 0 || (width & (width - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "The width must be a power of two.");
        }
        _windowTicks = window.Ticks;
        _mask = width - 1;
        _time = time;
        _current = new int[Rows * width];
        _previous = new int[Rows * width];
        _window = Now() / _windowTicks;
    }

    public TimeSpan Window => TimeSpan.FromTicks(_windowTicks);

    /// <summary>Counts one event for the key if fewer than <paramref name="limit"/> were counted in the last window.</summary>
    public bool TryTake(UInt128 key, int salt, int limit, out TimeSpan retryAfter)
    {
        var (current, previous, elapsed) = Read(key, salt, out var cells);
        if (Blend(current, previous, elapsed) < limit)
        {
            Increment(cells);
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = Wait(current, previous, elapsed, limit);
        return false;
    }

    /// <summary>True while the key has reached <paramref name="limit"/> in the last window; counts nothing.</summary>
    public bool IsOver(UInt128 key, int salt, int limit, out TimeSpan retryAfter)
    {
        var (current, previous, elapsed) = Read(key, salt, out _);
        if (Blend(current, previous, elapsed) < limit)
        {
            retryAfter = TimeSpan.Zero;
            return false;
        }
        retryAfter = Wait(current, previous, elapsed, limit);
        return true;
    }

    /// <summary>Counts one event for the key, whatever its count.</summary>
    public void Add(UInt128 key, int salt)
    {
        Read(key, salt, out var cells);
        Increment(cells);
    }

    private (int Current, int Previous, double Elapsed) Read(UInt128 key, int salt, out (int A, int B) cells)
    {
        var now = Now();
        var window = now / _windowTicks;
        if (window != Volatile.Read(ref _window))
        {
            Rotate(window);
        }
        var elapsed = (double)(now % _windowTicks) / _windowTicks;
        var width = _mask + 1;
        var lo = (ulong)key;
        var hi = (ulong)(key >> 64);
        cells = (HashCode.Combine(lo, hi, salt, 1) & _mask, width + (HashCode.Combine(lo, hi, salt, 2) & _mask));
        var current = Volatile.Read(ref _current);
        var previous = Volatile.Read(ref _previous);
        // The row whose blended count is smaller is the better estimate of this key alone.
        var a = (Current: Volatile.Read(ref current[cells.A]), Previous: Volatile.Read(ref previous[cells.A]));
        var b = (Current: Volatile.Read(ref current[cells.B]), Previous: Volatile.Read(ref previous[cells.B]));
        var best = Blend(a.Current, a.Previous, elapsed) <= Blend(b.Current, b.Previous, elapsed) ? a : b;
        return (best.Current, best.Previous, elapsed);
    }

    /// <summary>
    /// The count over the last window: this window's, plus the previous one's share still inside it,
    /// rounded up, so a burst that crosses the start of a window gets no extra events.
    /// </summary>
    private static long Blend(int current, int previous, double elapsed) =>
        current + (long)Math.Ceiling(previous * (1 - elapsed));

    private void Increment((int A, int B) cells)
    {
        var current = Volatile.Read(ref _current);
        Interlocked.Increment(ref current[cells.A]);
        Interlocked.Increment(ref current[cells.B]);
    }

    private void Rotate(long window)
    {
        lock (_rotation)
        {
            var was = _window;
            if (window <= was)
            {
                return;
            }
            if (window == was + 1)
            {
                // The window that just ended becomes the previous one; the oldest array is reused.
                var recycled = _previous;
                Array.Clear(recycled);
                Volatile.Write(ref _previous, _current);
                Volatile.Write(ref _current, recycled);
            }
            else
            {
                // Idle for more than a window: nothing counted before still matters.
                Array.Clear(_previous);
                Array.Clear(_current);
            }
            Volatile.Write(ref _window, window);
        }
    }

    /// <summary>How long until the blended count falls below the limit, with nothing new counted.</summary>
    private TimeSpan Wait(int current, int previous, double elapsed, int limit)
    {
        double fraction;
        if (current < limit && previous > 0)
        {
            // Still this window: wait until the previous window's share has faded enough.
            fraction = Math.Max(0, 1 - ((limit - current - 1) / (double)previous) - elapsed);
        }
        else
        {
            // Next window: this one's count becomes the previous one and fades in turn.
            fraction = (1 - elapsed) + Math.Max(0, 1 - ((limit - 1) / (double)Math.Max(current, 1)));
        }
        return TimeSpan.FromTicks((long)(fraction * _windowTicks));
    }

    private long Now() => _time.GetUtcNow().UtcTicks;
}

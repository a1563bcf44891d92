namespace Voting.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it until a deadline: never a bare sleep.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await read();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (DateTime.UtcNow < deadline)
            {
                lastError = e;
                last = default!;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F1} s waiting for {what}; last value: {last}", lastError);
            }
            await Task.Delay(25);
        }
    }

    public static Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitAsync(condition, ok => ok, timeout, what);

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);
}

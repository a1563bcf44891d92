using Microsoft.Extensions.Time.Testing;
using Voting.Web;

namespace Voting.Tests.Poll;

/// <summary>
/// The counter behind every rate limit keeps a fixed amount of memory whatever a flood sends: a
/// request with a key never seen before (a fresh voter cookie, a new address) costs no memory that
/// outlives it. A limiter that kept state per key (a dictionary of buckets) fails the first test.
/// </summary>
public sealed class WindowCounterTests
{
    [Fact]
    public void Counting_twenty_thousand_keys_never_seen_before_allocates_nothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1));
        var counter = new WindowCounter(TimeSpan.FromMinutes(1), 1 << 16, time);
        var keys = Enumerable.Range(1, 20_000).Select(i => (UInt128)i * 0x9E3779B97F4A7C15UL).ToArray();
        counter.TryTake(UInt128.MaxValue, 7, 1, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var taken = 0;
        var refused = 0;
        foreach (var key in keys)
        {
            // The first event of each key is counted; a second one is refused, as a flood's would be.
            taken += counter.TryTake(key, 7, 1, out _) ? 1 : 0;
            refused += counter.TryTake(key, 7, 1, out _) ? 0 : 1;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(keys.Length, refused);
        // Two rows of 65,536 cells: a new key now and then shares both its cells with earlier keys (about
        // 3 % of them here), which can only refuse it, never admit more.
        Assert.InRange(taken, keys.Length * 9 / 10, keys.Length);
    }

    [Fact]
    public void A_key_gets_its_limit_in_a_window_and_its_allowance_back_as_the_window_slides_on()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1));
        var counter = new WindowCounter(TimeSpan.FromMinutes(1), 1 << 16, time);
        var key = (UInt128)42;

        var taken = Enumerable.Range(0, 8).Count(_ => counter.TryTake(key, 1, 5, out TimeSpan _));
        Assert.Equal(5, taken);
        Assert.False(counter.TryTake(key, 1, 5, out var wait));
        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        // Another salt is another limit for the same key.
        Assert.True(counter.TryTake(key, 2, 5, out _));

        // Two windows later, nothing counted before still matters.
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(5, Enumerable.Range(0, 8).Count(_ => counter.TryTake(key, 1, 5, out TimeSpan _)));
    }
}

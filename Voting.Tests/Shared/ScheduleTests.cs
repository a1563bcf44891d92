using Microsoft.Extensions.Time.Testing;

namespace Voting.Tests.Shared;

/// <summary>The waits and timetables of the background loops, on a clock the test moves: no sleeps.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public void A_backoff_doubles_from_its_first_step_up_to_its_cap_and_starts_over_after_a_reset()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, backoff.Current);
        Assert.Equal([100, 200, 400, 800, 1000, 1000], Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds));
        backoff.Reset();
        Assert.Equal(100, backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public async Task A_backoff_waits_its_current_step_on_the_given_clock_and_says_false_when_cancelled()
    {
        var clock = new FakeTimeProvider();
        var backoff = new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));
        backoff.Next();
        var waiting = backoff.WaitAsync(clock, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await waiting);

        using var cancel = new CancellationTokenSource();
        backoff.Next();
        var cancelled = backoff.WaitAsync(clock, cancel.Token);
        await cancel.CancelAsync();
        Assert.False(await cancelled);
    }

    [Fact]
    public void A_schedule_is_due_after_its_first_delay_then_once_a_period()
    {
        var clock = new FakeTimeProvider();
        var every = new Every(TimeSpan.FromSeconds(60), clock, firstAfter: TimeSpan.FromSeconds(30));
        Assert.False(every.TakeIfDue());
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(every.IsDue);
        Assert.True(every.TakeIfDue());
        Assert.False(every.TakeIfDue());
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(every.IsDue);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(every.TakeIfDue());
    }

    [Fact]
    public void A_schedule_without_a_first_delay_is_due_at_once()
    {
        var every = new Every(TimeSpan.FromSeconds(5), new FakeTimeProvider());
        Assert.True(every.TakeIfDue());
        Assert.False(every.IsDue);
    }
}

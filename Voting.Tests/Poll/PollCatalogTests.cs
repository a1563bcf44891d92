using Voting.Poll;
using Voting.Storage;

namespace Voting.Tests.Poll;

/// <summary>A read of the database that started before a create or a close must not undo it when it lands.</summary>
public sealed class PollCatalogTests
{
    private static PollDefinition APoll(string id, bool closed) =>
        new(id, "Q?", [new PollOption("a", "A"), new PollOption("b", "B")], closed, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_stale_read_landing_after_a_close_does_not_reopen_the_poll()
    {
        var catalog = new PollCatalog();
        catalog.Apply([(APoll("p", closed: false), 1)]);
        catalog.Put(APoll("p", closed: true));
        // The periodic full reload read the row before the close committed, and lands now.
        catalog.Apply([(APoll("p", closed: false), 1)]);
        Assert.True(catalog.Find("p")!.Closed);
    }

    [Fact]
    public void A_poll_whose_timer_runs_out_leaves_the_open_list_at_that_moment_and_stays_in_the_full_one()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1));
        var catalog = new PollCatalog(time);
        var timed = APoll("timed", closed: false) with { ClosesAt = time.GetUtcNow().AddSeconds(30) };
        catalog.Apply([(timed, 1), (APoll("open", closed: false), 2)]);
        Assert.Equal(["open", "timed"], catalog.Page(null, 10, openOnly: true)!.Polls.Select(p => p.Id).Order(StringComparer.Ordinal));

        time.Advance(TimeSpan.FromSeconds(29.999));
        Assert.False(catalog.Find("timed")!.IsClosedAt(time.GetUtcNow()));
        Assert.Equal(2, catalog.Page(null, 10, openOnly: true)!.Polls.Count);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(catalog.Find("timed")!.IsClosedAt(time.GetUtcNow()));
        Assert.Equal(["open"], catalog.Page(null, 10, openOnly: true)!.Polls.Select(p => p.Id));
        Assert.Equal(2, catalog.Page(null, 10)!.Polls.Count);
    }

    [Fact]
    public void A_stale_read_landing_after_a_create_does_not_drop_the_new_poll()
    {
        var catalog = new PollCatalog();
        catalog.Apply([(APoll("old", closed: false), 1)]);
        catalog.Put(APoll("new", closed: false));
        catalog.Apply([(APoll("old", closed: false), 1)]);
        Assert.NotNull(catalog.Find("new"));
        Assert.Equal(1, catalog.Revision);
    }

    [Fact]
    public void A_read_applies_changes_and_a_close_read_from_the_database_closes()
    {
        var catalog = new PollCatalog();
        Assert.False(catalog.Loaded);
        catalog.Apply([(APoll("p", closed: false), 3)]);
        catalog.Apply([(APoll("p", closed: true), 7)]);
        Assert.True(catalog.Loaded);
        Assert.True(catalog.Find("p")!.Closed);
        Assert.Equal(7, catalog.Revision);
    }
}

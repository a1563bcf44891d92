using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Events;

/// <summary><c>voting events create|live|export</c> as the published executable runs them.</summary>
public sealed class EventCommandLineTests
{
    [Fact]
    public async Task Events_are_created_filled_with_polls_of_any_type_put_live_and_exported_from_a_terminal_with_usage_errors_exiting_2()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: true);
        var env = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database };

        var created = await AppProcess.RunAsync(["events", "create", "--title", "Monday lecture"], env);
        Assert.True(created.ExitCode == 0, created.Output);
        var fields = created.Output.Trim().Split('\t');
        var (eventId, code) = (fields[0], fields[1]);
        Assert.Matches("^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$", code);
        Assert.Equal("Monday lecture", fields[2]);
        Assert.Equal(2, (await AppProcess.RunAsync(["events", "create", "--title", " "], env)).ExitCode);
        Assert.Equal(2, (await AppProcess.RunAsync(["events", "create"], env)).ExitCode);

        await using var data = NpgsqlDataSource.Create(database);
        var poll = new PollDefinition("q1", "Ready?", [new PollOption("yes", "Yes"), new PollOption("no", "No")], false, DateTimeOffset.UtcNow) { EventId = eventId };
        Assert.True(await new PollStore(data).CreateAsync(poll, CancellationToken.None));

        var live = await AppProcess.RunAsync(["events", "live", eventId, "q1"], env);
        Assert.True(live.ExitCode == 0, live.Output);
        Assert.Equal("q1", (await new EventStore(data).FindAsync(eventId, CancellationToken.None))!.LivePollId);
        Assert.Equal(0, (await AppProcess.RunAsync(["events", "live", eventId, "--none"], env)).ExitCode);
        Assert.Null((await new EventStore(data).FindAsync(eventId, CancellationToken.None))!.LivePollId);
        Assert.Equal(2, (await AppProcess.RunAsync(["events", "live", eventId], env)).ExitCode);
        Assert.Equal(2, (await AppProcess.RunAsync(["events", "live", eventId, "q1", "--none"], env)).ExitCode);
        var unknown = await AppProcess.RunAsync(["events", "live", "nope", "q1"], env);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("there is no event 'nope'", unknown.Output);
        Assert.Equal(1, (await AppProcess.RunAsync(["events", "live", eventId, "other"], env)).ExitCode);

        // A poll of any type joins the event from the terminal too, after the event's other polls.
        var rating = await AppProcess.RunAsync(["polls", "create", "--id", "q2", "--question", "How was it?", "--type", "rating",
            "--scale-min", "0", "--scale-max", "10", "--min-label", "Dull", "--max-label", "Superb", "--event", eventId], env);
        Assert.True(rating.ExitCode == 0, rating.Output);
        Assert.Contains("0=0 | 1=1", rating.Output);
        var words = await AppProcess.RunAsync(["polls", "create", "--id", "q3", "--question", "One word?", "--type", "words", "--max-words", "2", "--event", eventId], env);
        Assert.True(words.ExitCode == 0, words.Output);
        Assert.Equal(["q1", "q2", "q3"], (await new EventStore(data).PollsAsync(eventId, CancellationToken.None)).Select(p => p.Id));
        var stored = (await new PollStore(data).FindAsync("q2", CancellationToken.None))!;
        Assert.Equal((PollType.Rating, eventId, 0, 10), (stored.Type, stored.EventId, stored.Scale!.Min, stored.Scale.Max));
        Assert.Equal(0, (await AppProcess.RunAsync(["events", "live", eventId, "q2"], env)).ExitCode);
        var noEvent = await AppProcess.RunAsync(["polls", "create", "--question", "Q?", "--option", "A", "--option", "B", "--event", "nope"], env);
        Assert.Equal(1, noEvent.ExitCode);
        Assert.Contains("there is no event 'nope'", noEvent.Output);
        var optionsForWords = await AppProcess.RunAsync(["polls", "create", "--question", "Q?", "--type", "words", "--option", "A", "--option", "B"], env);
        Assert.Equal(2, optionsForWords.ExitCode);
        Assert.Equal(2, (await AppProcess.RunAsync(["polls", "create", "--question", "Q?", "--type", "ranking"], env)).ExitCode);

        var export = await AppProcess.RunAsync(["events", "export", eventId], env);
        Assert.True(export.ExitCode == 0, export.Output);
        Assert.Contains("poll_id,question,option_id,label,votes,share", export.Output);
        Assert.Contains("q1,Ready?,yes,Yes,0,0", export.Output);
        Assert.Equal(1, (await AppProcess.RunAsync(["events", "export", "nope"], env)).ExitCode);

        // An ended event takes no more polls.
        Assert.NotNull(await new EventStore(data).CloseAsync(eventId, DateTimeOffset.UtcNow, CancellationToken.None));
        var ended = await AppProcess.RunAsync(["polls", "create", "--question", "Late?", "--option", "A", "--option", "B", "--event", eventId], env);
        Assert.Equal(1, ended.ExitCode);
        Assert.Contains("has ended", ended.Output);
        Assert.Single(await new EventStore(data).PollsAsync(eventId, CancellationToken.None), p => p.Id == "q3");
    }
}

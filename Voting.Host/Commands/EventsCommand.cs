using System.CommandLine;
using Voting.Poll;
using Voting.Storage;

namespace Voting.Host.Commands;

/// <summary><c>voting events create|live|export</c>: events from a terminal, without a web host.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var events = new Command("events", "Create events, put a question live, export an event's results.");

        var title = new Option<string>("--title") { Description = "The event's title, shown to the audience.", Required = true };
        var create = new Command("create", "Create an event: prints its id, join code and title.") { title };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var created = await EventCommands.CreateAsync(CommandSettings.Postgres(parse), parse.GetValue(title), cancellationToken);
            if (created.Event is not { } e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {created.Problem}");
                return VotingCommandLine.UsageError;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{e.Id}\t{e.Code}\t{e.Title}");
            return 0;
        });

        var eventId = new Argument<string>("id") { Description = "The event." };
        var pollId = new Argument<string?>("poll") { Description = "The question to put live (one of the event's polls).", Arity = ArgumentArity.ZeroOrOne };
        var none = new Option<bool>("--none") { Description = "Put no question live: the audience sees the waiting screen." };
        var live = new Command("live", "Put one of the event's questions live on every phone, or none (--none).") { eventId, pollId, none };
        live.SetAction(async (parse, cancellationToken) =>
        {
            var poll = parse.GetValue(pollId);
            if (poll is null == !parse.GetValue(none))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("voting: give the poll to put live, or --none for the waiting screen (not both).");
                return VotingCommandLine.UsageError;
            }
            var id = parse.GetValue(eventId)!;
            var message = await EventCommands.SetLiveAsync(CommandSettings.Postgres(parse), id, poll, cancellationToken) switch
            {
                LiveOutcome.Set => null,
                LiveOutcome.Closed => $"the event '{id}' has ended.",
                LiveOutcome.NotInEvent => $"the event '{id}' has no poll '{poll}'.",
                _ => $"there is no event '{id}'.",
            };
            if (message is not null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {message}");
                return 1;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{id}\t{poll ?? "none"}");
            return 0;
        });

        var exportId = new Argument<string>("id") { Description = "The event." };
        var export = new Command("export", "Write an event's results as one CSV to standard output (GET /api/events/{id}/results.csv): voting events export ID > event.csv") { exportId };
        export.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(exportId)!;
            if (await EventCommands.ExportAsync(CommandSettings.Postgres(parse), BlockedWords.Of(CommandSettings.Bind<ModerationSettings>(parse)), id, cancellationToken) is not { } csv)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: there is no event '{id}'.");
                return 1;
            }
            await parse.InvocationConfiguration.Output.WriteAsync("\uFEFF" + csv);
            await parse.InvocationConfiguration.Output.FlushAsync(cancellationToken);
            return 0;
        });

        events.Subcommands.Add(create);
        events.Subcommands.Add(live);
        events.Subcommands.Add(export);
        return events;
    }
}

using System.CommandLine;
using Voting.Poll;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Host.Commands;

/// <summary><c>voting polls create|list|close|reveal|hide|export</c>: poll management from a terminal, without a web host.</summary>
internal static class PollsCommand
{
    public static Command Create()
    {
        var polls = new Command("polls", "Create, list, close, reveal, hide and export polls from a terminal.");

        var question = new Option<string>("--question") { Description = "The question people vote on.", Required = true };
        var options = new Option<string[]>("--option")
        {
            Description = "An answer of a single or multiple choice poll; give it 2 to 10 times (none for rating and words).",
            AllowMultipleArgumentsPerToken = false,
        };
        var type = new Option<string?>("--type") { Description = "single (default), multiple, rating or words." };
        type.AcceptOnlyFromAmong("single", "multiple", "rating", "words");
        var maxChoices = new Option<int?>("--max-choices") { Description = "Multiple choice: how many options a ballot may tick (default: all)." };
        var scaleMin = new Option<int?>("--scale-min") { Description = "Rating: the lowest value, 0 or 1 (default 1)." };
        var scaleMax = new Option<int?>("--scale-max") { Description = "Rating: the highest value, 2 to 10 (default 5)." };
        var minLabel = new Option<string?>("--min-label") { Description = "Rating: the label of the lowest value (40 characters at most)." };
        var maxLabel = new Option<string?>("--max-label") { Description = "Rating: the label of the highest value (40 characters at most)." };
        var maxWords = new Option<int?>("--max-words") { Description = "Words: how many words a ballot may hold, 1 to 5 (default 3)." };
        var eventId = new Option<string?>("--event") { Description = "The id of an open event the poll joins, after the event's other polls ('voting events create' prints it)." };
        var id = new Option<string?>("--id") { Description = "A short URL-safe id (default: a random one)." };
        var results = new Option<string?>("--results")
        {
            Description = "When the audience sees the counts: always (default), revealed (once you run 'voting polls reveal'), closed (once the poll closes).",
        };
        results.AcceptOnlyFromAmong("always", "revealed", "closed");
        var duration = new Option<int?>("--duration")
        {
            Description = $"Close the poll by itself this many seconds after creation ({PollTimer.MinSeconds} to {PollTimer.MaxSeconds}). Needs --redis as well as --postgres.",
        };
        var create = new Command("create", "Create a poll of any type, on its own or in an event.")
        {
            question, options, id, results, duration, type, maxChoices, scaleMin, scaleMax, minLabel, maxLabel, maxWords, eventId,
        };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(options) ?? [];
            var scale = (parse.GetValue(scaleMin), parse.GetValue(scaleMax), parse.GetValue(minLabel), parse.GetValue(maxLabel)) is (null, null, null, null)
                ? null
                : new Web.ScaleRequest { Min = parse.GetValue(scaleMin), Max = parse.GetValue(scaleMax), MinLabel = parse.GetValue(minLabel), MaxLabel = parse.GetValue(maxLabel) };
            // Options given to a rating or words poll are refused by the rules (as the API refuses them), not dropped.
            var request = new Web.CreatePollRequest(parse.GetValue(id), parse.GetValue(question)!, given.Length == 0 ? null : given)
            {
                ResultsVisibility = parse.GetValue(results),
                DurationSeconds = parse.GetValue(duration),
                Type = parse.GetValue(type),
                MaxChoices = parse.GetValue(maxChoices),
                Scale = scale,
                MaxWords = parse.GetValue(maxWords),
                EventId = parse.GetValue(eventId),
            };
            // The timer lives in Redis too, where every poll process checks each vote against it;
            // a request that is wrong anyway is told so first (exit 2), without asking for Redis.
            var redis = request.DurationSeconds is null || NewPoll.Validate(request).Count > 0 ? null : Redis(parse, "a poll with --duration");
            var created = await PollModule.CreateFromCommandLineAsync(CommandSettings.Postgres(parse), redis, CommandSettings.Bind<QueueSettings>(parse), request, cancellationToken);
            switch (created)
            {
                case { Outcome: CreateOutcome.Created, Poll: { } poll }:
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"{poll.Id}\t{poll.Question}\t{string.Join(" | ", poll.Options.Select(o => $"{o.Id}={o.Label}"))}");
                    return 0;
                case { Outcome: CreateOutcome.Invalid, Errors: var errors } when errors.ContainsKey("eventId") && errors.Count == 1:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: there is no event '{request.EventId}'.");
                    return 1;
                case { Outcome: CreateOutcome.Invalid, Errors: var errors }:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {string.Join(" ", errors.Values.SelectMany(v => v))}");
                    return VotingCommandLine.UsageError;
                case { Outcome: CreateOutcome.EventClosed }:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: the event '{request.EventId}' has ended: it takes no more polls.");
                    return 1;
                default:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: a poll with the id '{parse.GetValue(id)}' exists already.");
                    return 1;
            }
        });

        var list = new Command("list", "List every poll: id, open or closed, question.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var data = StorageModule.CreateDataSource(CommandSettings.Postgres(parse));
            var all = await new PollStore(data).LoadChangedAsync(0, cancellationToken);
            var now = TimeProvider.System.GetUtcNow();
            foreach (var (poll, _) in all.OrderBy(p => p.Poll.CreatedAt))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{poll.Id}\t{(poll.IsClosedAt(now) ? "closed" : "open")}\t{poll.Question}");
            }
            return 0;
        });

        var pollId = new Argument<string>("id") { Description = "The poll to close." };
        var close = new Command("close", "Close a poll: it takes no more votes, through any poll process, from the moment this returns. Needs Redis and PostgreSQL.") { pollId };
        close.SetAction(async (parse, cancellationToken) =>
        {
            var (outcome, _) = await PollModule.CloseFromCommandLineAsync(CommandSettings.Postgres(parse), CommandSettings.Bind<RedisSettings>(parse).Redis!,
                CommandSettings.Bind<QueueSettings>(parse), parse.GetValue(pollId)!, cancellationToken);
            var message = outcome switch
            {
                CloseOutcome.Closed => null,
                CloseOutcome.UnknownPoll => $"there is no poll '{parse.GetValue(pollId)}'.",
                _ => "Redis did not confirm the close; run the command again.",
            };
            if (message is not null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {message}");
                return 1;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{parse.GetValue(pollId)}\tclosed");
            return 0;
        });

        polls.Subcommands.Add(create);
        polls.Subcommands.Add(list);
        polls.Subcommands.Add(close);
        polls.Subcommands.Add(Reveal("reveal", revealed: true, "Show a poll's results to the audience, whatever its mode."));
        polls.Subcommands.Add(Reveal("hide", revealed: false, "Hide a poll's results from the audience (the organiser still sees them), whatever its mode."));
        polls.Subcommands.Add(Export());
        return polls;
    }

    private static Command Reveal(string name, bool revealed, string description)
    {
        var pollId = new Argument<string>("id") { Description = "The poll." };
        var command = new Command(name, description) { pollId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(pollId)!;
            if (await PollModule.RevealFromCommandLineAsync(CommandSettings.Postgres(parse), id, revealed, cancellationToken) is null)
            {
                return await NoSuchPollAsync(parse, id);
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{id}\t{(revealed ? "revealed" : "hidden")}");
            return 0;
        });
        return command;
    }

    private static Command Export()
    {
        var pollId = new Argument<string>("id") { Description = "The poll." };
        var command = new Command("export", "Write a poll's results as CSV to standard output (the file GET /api/polls/{id}/results.csv serves): voting polls export ID > results.csv") { pollId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(pollId)!;
            if (await PollModule.ExportFromCommandLineAsync(CommandSettings.Postgres(parse), BlockedWords.Of(CommandSettings.Bind<ModerationSettings>(parse)), id, cancellationToken) is not { } csv)
            {
                return await NoSuchPollAsync(parse, id);
            }
            // The byte order mark, as the API sends it: a spreadsheet then reads the file as UTF-8.
            await parse.InvocationConfiguration.Output.WriteAsync("\uFEFF" + csv);
            await parse.InvocationConfiguration.Output.FlushAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task<int> NoSuchPollAsync(ParseResult parse, string pollId)
    {
        await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: there is no poll '{pollId}'.");
        return 1;
    }

    /// <summary>The Redis connection string, or a one-line stop naming the setting and what needs it.</summary>
    private static string Redis(ParseResult parse, string needs)
    {
        try
        {
            return CommandSettings.Bind<RedisSettings>(parse).Redis!;
        }
        catch (SettingException e)
        {
            throw new SettingException($"{needs} needs Redis for its timer: {e.Message}", e);
        }
    }
}

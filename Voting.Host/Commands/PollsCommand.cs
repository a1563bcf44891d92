using System.CommandLine;
using Voting.Poll;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Host.Commands;

/// <summary><c>voting polls create|list|close</c>: poll management from a terminal, without a web host.</summary>
internal static class PollsCommand
{
    public static Command Create()
    {
        var polls = new Command("polls", "Create, list and close polls from a terminal.");

        var question = new Option<string>("--question") { Description = "The question people vote on.", Required = true };
        var options = new Option<string[]>("--option")
        {
            Description = "An answer; give it 2 to 10 times.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var id = new Option<string?>("--id") { Description = "A short URL-safe id (default: a random one)." };
        var create = new Command("create", "Create a poll.") { question, options, id };
        create.SetAction(async (parse, cancellationToken) =>
        {
            await using var data = StorageModule.CreateDataSource(CommandSettings.Postgres(parse));
            var created = await PollModule.CreateFromCommandLineAsync(new PollStore(data), stream: null,
                new Web.CreatePollRequest(parse.GetValue(id), parse.GetValue(question)!, parse.GetValue(options)!), cancellationToken);
            switch (created)
            {
                case { Outcome: CreateOutcome.Created, Poll: { } poll }:
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"{poll.Id}\t{poll.Question}\t{string.Join(" | ", poll.Options.Select(o => $"{o.Id}={o.Label}"))}");
                    return 0;
                case { Outcome: CreateOutcome.Invalid, Errors: var errors }:
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"voting: {string.Join(" ", errors.Values.SelectMany(v => v))}");
                    return VotingCommandLine.UsageError;
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
            foreach (var (poll, _) in all.OrderBy(p => p.Poll.CreatedAt))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{poll.Id}\t{(poll.Closed ? "closed" : "open")}\t{poll.Question}");
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
        return polls;
    }
}

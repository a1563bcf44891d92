using Microsoft.AspNetCore.SignalR;
using Npgsql;
using Voting.Storage;

namespace Voting.Result;

/// <summary>
/// The event side of <see cref="ResultsHub"/>: a connection follows an event by its join code, gets
/// an <c>event</c> message at once and on every change of the live poll; with results, it also gets
/// the live poll's <c>results</c> messages, as <c>Subscribe(pollId)</c> would, across switches.
/// </summary>
internal static class EventHub
{
    public const string EventMessageName = "event";

    public static async Task FollowAsync(Hub hub, string code, bool withResults, EventWatch watch, ResultStore results, ResultsBroadcaster broadcaster)
    {
        var context = hub.Context;
        LiveEvent? live;
        try
        {
            live = await watch.FindAsync(code, context.ConnectionAborted);
        }
        catch (NpgsqlException)
        {
            throw new HubException("Events are unavailable right now; try again shortly.");
        }
        if (live is null)
        {
            throw new HubException("There is no such event, or it has ended.");
        }
        if (!watch.CanAdd(context.ConnectionId, live.Id))
        {
            throw new HubException($"One connection follows at most {EventWatch.MaxPerConnection} events.");
        }
        // Join the groups before sending the state, so no switch can fall between the two.
        await hub.Groups.AddToGroupAsync(context.ConnectionId, EventWatch.Group(live.Id), context.ConnectionAborted);
        if (withResults)
        {
            await hub.Groups.AddToGroupAsync(context.ConnectionId, EventWatch.ResultsGroup(live.Id), context.ConnectionAborted);
        }
        watch.Add(context.ConnectionId, live.Id);
        await hub.Clients.Caller.SendAsync(EventMessageName, live.Message(), context.ConnectionAborted);
        if (withResults && live.LivePollId is { } pollId)
        {
            PollResults? snapshot;
            try
            {
                snapshot = await results.ReadAsync(pollId, context.ConnectionAborted);
            }
            catch (NpgsqlException)
            {
                // The event message went out; the next push brings the results.
                return;
            }
            if (snapshot is not null)
            {
                broadcaster.Track(snapshot);
                await hub.Clients.Caller.SendAsync(ResultsHub.ResultsMessage, ResultsHub.Message(snapshot), context.ConnectionAborted);
            }
        }
    }
}

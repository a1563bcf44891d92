using Microsoft.AspNetCore.SignalR;
using Npgsql;
using Voting.Storage;

namespace Voting.Result;

/// <summary>
/// Clients call <c>Subscribe(pollId)</c>, get the current snapshot at once as a <c>results</c>
/// message, and then one whenever the poll changes (at most once per push interval,
/// <c>Voting:Result:PushIntervalMilliseconds</c>, 100 ms by default: ten a second), or when its
/// timer runs out. While a poll's results are hidden the message is <c>{pollId, hidden: true,
/// total, …}</c> with no figure per option (<see cref="HiddenResults"/>).
/// </summary>
/// <remarks>
/// Events: <c>SubscribeEvent(code)</c> follows an event by its join code, with the live poll's
/// results (a presenter's screen); <c>FollowEvent(code)</c> the same without results (a phone, which
/// shows the vote page: ten thousand phones need no ten pushes a second each). See <see cref="EventHub"/>.
/// </remarks>
internal sealed class ResultsHub(ResultStore results, KnownPolls known, Subscriptions subscriptions, ResultsBroadcaster broadcaster, EventWatch events) : Hub
{
    public const string Path = "/hubs/results";
    public const string ResultsMessage = "results";

    public async Task Subscribe(string pollId)
    {
        PollResults? snapshot;
        try
        {
            // Unknown polls are answered from memory: a flood of made-up ids costs no queries.
            if (!await known.ExistsAsync(pollId, Context.ConnectionAborted))
            {
                throw new HubException("There is no such poll.");
            }
            snapshot = await results.ReadAsync(pollId, Context.ConnectionAborted);
        }
        catch (NpgsqlException)
        {
            throw new HubException("Results are unavailable right now; try again shortly.");
        }
        if (snapshot is null)
        {
            throw new HubException("There is no such poll.");
        }
        if (!subscriptions.CanAdd(Context.ConnectionId, pollId))
        {
            throw new HubException($"One connection watches at most {Subscriptions.MaxPerConnection} polls.");
        }
        // Join the group before sending the snapshot, so no change can fall between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, Subscriptions.Group(pollId), Context.ConnectionAborted);
        subscriptions.Add(Context.ConnectionId, pollId);
        broadcaster.Track(snapshot);
        await Clients.Caller.SendAsync(ResultsMessage, Message(snapshot), Context.ConnectionAborted);
    }

    public Task SubscribeEvent(string code) => EventHub.FollowAsync(this, code, withResults: true, events, results, broadcaster);

    public Task FollowEvent(string code) => EventHub.FollowAsync(this, code, withResults: false, events, results, broadcaster);

    /// <summary>What a subscriber gets: while the results are hidden, the number of votes and nothing per option.</summary>
    public static object Message(PollResults snapshot) => snapshot.Hidden ? snapshot.WithoutCounts() : snapshot;

    public async Task Unsubscribe(string pollId)
    {
        if (subscriptions.Remove(Context.ConnectionId, pollId))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Subscriptions.Group(pollId));
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        events.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

using Voting.Storage;

namespace Voting.Poll;

/// <summary>Events from the command line, without a web host: the same use cases as the API's.</summary>
internal static class EventCommands
{
    public static async Task<EventCreated> CreateAsync(string postgres, string? title, CancellationToken cancellationToken)
    {
        await using var data = StorageModule.CreateDataSource(postgres);
        return await new EventManagement(new EventStore(data), TimeProvider.System).CreateAsync(title, cancellationToken);
    }

    public static async Task<LiveOutcome> SetLiveAsync(string postgres, string eventId, string? pollId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(eventId))
        {
            return LiveOutcome.NoEvent;
        }
        if (pollId is not null && !Ids.IsValid(pollId))
        {
            return LiveOutcome.NotInEvent;
        }
        await using var data = StorageModule.CreateDataSource(postgres);
        return await new EventManagement(new EventStore(data), TimeProvider.System).SetLiveAsync(eventId, pollId, cancellationToken);
    }

    /// <summary>The event's results as the API's CSV, or null when there is no such event.</summary>
    public static async Task<string?> ExportAsync(string postgres, BlockedWords blocked, string eventId, CancellationToken cancellationToken)
    {
        await using var data = StorageModule.CreateDataSource(postgres);
        return await EventCsv.ReadAsync(new EventStore(data), new ResultStore(data, TimeProvider.System, blocked), eventId, cancellationToken);
    }
}

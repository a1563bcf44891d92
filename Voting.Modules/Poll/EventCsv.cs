using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// An event's results as one CSV: the header of <see cref="ResultsCsv"/>, then each poll's rows in
/// the event's order, exactly as that poll's own export writes them.
/// </summary>
internal static class EventCsv
{
    public static string Write(IEnumerable<PollResults> polls) =>
        ResultsCsv.Header + "\r\n" + string.Concat(polls.Select(p => ResultsCsv.Write(p)[(ResultsCsv.Header.Length + 2)..]));

    public static string FileName(string eventId) => $"event-{eventId}-results.csv";

    /// <summary>Every poll of the event, read as the per-poll export reads it (every visible word of a words poll).</summary>
    public static async Task<string?> ReadAsync(EventStore events, ResultStore results, string eventId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(eventId) || await events.FindAsync(eventId, cancellationToken) is null)
        {
            return null;
        }
        var snapshots = new List<PollResults>();
        foreach (var poll in await events.PollsAsync(eventId, cancellationToken))
        {
            if (await results.ReadForExportAsync(poll.Id, cancellationToken) is { } snapshot)
            {
                snapshots.Add(snapshot);
            }
        }
        return Write(snapshots);
    }
}

using System.ComponentModel.DataAnnotations;

namespace Voting.Worker;

/// <summary>The worker role's settings, under <c>Voting:Worker</c>.</summary>
internal sealed class WorkerSettings : ISettings
{
    public static string SectionName => "Voting:Worker";

    /// <summary>
    /// Entries read and stored per transaction, at most: while votes trickle in a batch holds what has
    /// arrived. 2,000 rather than 1,000 spreads a transaction's fixed cost (commit, NOTIFY, the counter
    /// lock) over more votes and collapses more repeats of a word: draining a backlog went from 33,500
    /// to 44,200 single-choice votes/s and from 24,700 to 28,600 words ballots/s (medians of three,
    /// alternating), the worker's peak RSS unchanged (docs/performance.md).
    /// </summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 2000;

    /// <summary>Entries left unacknowledged this long by another consumer are taken over.</summary>
    [Range(1, 3600)]
    public int ClaimIdleSeconds { get; set; } = 15;

    /// <summary>The longest wait between reads while the stream is empty.</summary>
    [Range(1, 1000)]
    public int MaxIdleDelayMilliseconds { get; set; } = 50;

    /// <summary>Consumers idle this long with nothing pending are removed from the group.</summary>
    [Range(60, 86_400)]
    public int RemoveIdleConsumersAfterSeconds { get; set; } = 600;
}

using System.ComponentModel.DataAnnotations;

namespace Voting.Worker;

/// <summary>The worker role's settings, under <c>Voting:Worker</c>.</summary>
internal sealed class WorkerSettings : ISettings
{
    public static string SectionName => "Voting:Worker";

    /// <summary>Entries read and stored per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1000;

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

using System.ComponentModel.DataAnnotations;

namespace Voting.Queue;

/// <summary>Where votes travel between the poll and worker roles.</summary>
internal sealed class QueueSettings : ISettings
{
    public static string SectionName => "Voting:Queue";

    [Required, MaxLength(200)]
    public string StreamKey { get; set; } = "votes";

    [Required, MaxLength(200)]
    public string DeadLetterKey { get; set; } = "votes:dead";

    [Required, MaxLength(200)]
    public string Group { get; set; } = "workers";

    /// <summary>How long a vote may wait for Redis before the answer is 503 "not confirmed".</summary>
    [Range(50, 30_000)]
    public int AddTimeoutMilliseconds { get; set; } = 2000;
}

using System.ComponentModel.DataAnnotations;

namespace Voting.Poll;

/// <summary>The poll role's settings, under <c>Voting</c> in configuration.</summary>
internal sealed class PollSettings : ISettings
{
    public static string SectionName => "Voting";

    /// <summary>How often a poll process picks up polls created or closed through another one.</summary>
    [Range(100, 60_000)]
    public int CatalogRefreshMilliseconds { get; set; } = 1000;
}

using System.ComponentModel.DataAnnotations;

namespace Voting.Poll;

/// <summary>The poll role's settings, under <c>Voting</c> in configuration.</summary>
public sealed class PollSettings
{
    public const string SectionName = "Voting";

    /// <summary>Bearer token for poll management; admin endpoints refuse everyone while it is empty.</summary>
    public string? AdminToken { get; set; }

    /// <summary>The address people reach the vote pages by, for share links and QR codes.</summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>How often a poll process picks up polls created or closed through another one.</summary>
    [Range(100, 60_000)]
    public int CatalogRefreshMilliseconds { get; set; } = 1000;
}

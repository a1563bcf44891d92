using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Voting.Poll;

/// <summary>The poll role's settings, under <c>Voting</c> in configuration.</summary>
internal sealed class PollSettings : ISettings
{
    public static string SectionName => "Voting";

    /// <summary>Bearer token for poll management; admin endpoints refuse everyone while it is empty.</summary>
    public string? AdminToken { get; set; }

    /// <summary>How often a poll process picks up polls created or closed through another one.</summary>
    [Range(100, 60_000)]
    public int CatalogRefreshMilliseconds { get; set; } = 1000;
}

/// <summary>
/// The admin endpoints are always on with the poll role, so in Production a missing or short token is
/// a configuration error, not an open door.
/// </summary>
internal sealed class AdminTokenInProduction(IHostEnvironment environment) : IValidateOptions<PollSettings>
{
    public ValidateOptionsResult Validate(string? name, PollSettings options) =>
        environment.IsProduction() && (options.AdminToken is null || options.AdminToken.Length < AdminToken.MinimumLength)
            ? ValidateOptionsResult.Fail($"an admin token of at least {AdminToken.MinimumLength} characters is required in Production: set Voting__AdminToken")
            : ValidateOptionsResult.Success;
}

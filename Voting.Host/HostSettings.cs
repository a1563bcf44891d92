using System.ComponentModel.DataAnnotations;

namespace Voting.Host;

/// <summary>The process's own settings, under <c>Voting</c>.</summary>
internal sealed class HostSettings : ISettings
{
    public static string SectionName => "Voting";

    /// <summary>The roles to run when <c>--role</c> is not given: <see cref="RoleSet.Valid"/>.</summary>
    public string Role { get; set; } = "all";

    /// <summary>The host's graceful shutdown must fit inside the pod's grace period: see docs/reliability.md.</summary>
    [Range(1, 3600, ErrorMessage = "Voting__ShutdownTimeoutSeconds must be 1 to 3600.")]
    public int ShutdownTimeoutSeconds { get; set; } = 20;
}

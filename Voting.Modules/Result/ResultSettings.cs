using System.ComponentModel.DataAnnotations;

namespace Voting.Result;

/// <summary>The result role's settings, under <c>Voting:Result</c>.</summary>
internal sealed class ResultSettings : ISettings
{
    public static string SectionName => "Voting:Result";

    /// <summary>The shortest time between two pushes of one poll: bursts cost viewers nothing extra.</summary>
    [Range(10, 10_000)]
    public int PushIntervalMilliseconds { get; set; } = 100;
}

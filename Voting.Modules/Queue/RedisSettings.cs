using System.ComponentModel.DataAnnotations;

namespace Voting.Queue;

/// <summary>Where Redis is: <c>ConnectionStrings__Redis</c> or <c>--redis</c>, in StackExchange.Redis's format.</summary>
internal sealed class RedisSettings : ISettings
{
    public static string SectionName => "ConnectionStrings";

    [Required(AllowEmptyStrings = false, ErrorMessage = "a Redis connection string is required: set ConnectionStrings__Redis or pass --redis")]
    public string? Redis { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace Voting.Storage;

/// <summary>Where PostgreSQL is: <c>ConnectionStrings__Postgres</c> or <c>--postgres</c>, in Npgsql's format.</summary>
internal sealed class StorageSettings : ISettings
{
    public static string SectionName => "ConnectionStrings";

    /// <summary>The channel the worker and poll management notify when a poll's results change (not a setting).</summary>
    public const string ChangeChannel = "poll_changed";

    [Required(AllowEmptyStrings = false, ErrorMessage = "a PostgreSQL connection string is required: set ConnectionStrings__Postgres or pass --postgres")]
    public string? Postgres { get; set; }
}

namespace Voting.Storage;

public static class StorageSettings
{
    /// <summary>The configuration key of the PostgreSQL connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Postgres";

    /// <summary>The channel the worker and poll management notify when a poll's results change.</summary>
    public const string ChangeChannel = "poll_changed";
}

namespace Voting;

/// <summary>
/// A setting is missing or has a value that cannot be used. The host prints the message as one line
/// and exits 1, rather than a stack trace.
/// </summary>
internal sealed class SettingException : Exception
{
    public SettingException()
    {
    }

    public SettingException(string message) : base(message)
    {
    }

    public SettingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

namespace Voting;

/// <summary>
/// A role was started without a setting it cannot run without, or with one it cannot use. The host
/// prints the message as one line and exits 1, rather than a stack trace.
/// </summary>
public sealed class MissingSettingException : Exception
{
    public MissingSettingException(string environmentName, string option, string what)
        : base($"{what} is required: set {environmentName} or pass {option}")
    {
    }

    public MissingSettingException()
    {
    }

    public MissingSettingException(string message) : base(message)
    {
    }

    public MissingSettingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

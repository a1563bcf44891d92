namespace Voting;

/// <summary>
/// A role was started without a setting it cannot run without. The host prints the message as one
/// line and exits, rather than a stack trace.
/// </summary>
public sealed class MissingSettingException : Exception
{
    public MissingSettingException(string environmentName, string option, string what)
        : base($"{what} is required: set {environmentName} or pass {option}")
    {
        Setting = environmentName;
    }

    public MissingSettingException() : this("?", "?", "a setting")
    {
    }

    public MissingSettingException(string message) : base(message)
    {
        Setting = "?";
    }

    public MissingSettingException(string message, Exception innerException) : base(message, innerException)
    {
        Setting = "?";
    }

    public string Setting { get; } = "?";
}

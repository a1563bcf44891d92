using Microsoft.Extensions.Configuration;

namespace Voting.Host;

/// <summary>
/// ASP.NET Core's own addresses (<c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, or
/// <c>--urls</c>), read here only to tell whether any is given: without one, the app listens on
/// http://localhost:8080, not on ASP.NET Core's port 5000.
/// </summary>
internal sealed class ListenSettings : ISettings
{
    public static string SectionName => "";

    [ConfigurationKeyName("urls")]
    public string? Urls { get; set; }

    [ConfigurationKeyName("http_ports")]
    public string? HttpPorts { get; set; }

    public bool IsGiven => !string.IsNullOrWhiteSpace(Urls) || !string.IsNullOrWhiteSpace(HttpPorts);
}

using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Voting.Host;

/// <summary>
/// Every setting the app reads, in the environment-variable form operators write in manifests,
/// derived from the settings classes (<see cref="ISettings"/>): a property added to one is listed
/// here without anyone remembering to. The deployment checks compare the manifests against it.
/// </summary>
internal static class SettingKeys
{
    /// <summary>Read by the host builder itself to choose the environment, not by a settings class.</summary>
    private static readonly string[] Environment = ["ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    public static IReadOnlyList<Type> SettingsClasses { get; } =
        [.. new[] { typeof(ISettings).Assembly, typeof(SettingKeys).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISettings).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static IReadOnlyList<string> All { get; } =
        [.. SettingsClasses.SelectMany(Keys).Concat(Environment).Distinct(StringComparer.Ordinal)];

    /// <summary>The environment variables that set <paramref name="settings"/>' properties.</summary>
    public static IEnumerable<string> Keys(Type settings)
    {
        var section = (string)settings.GetProperty(nameof(ISettings.SectionName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => SettingsBinder.EnvironmentName(section, p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name));
    }
}

using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Voting;

/// <summary>
/// A settings class: the properties of one configuration section (<see cref="SectionName"/>), each
/// a setting an operator may write as an environment variable (<c>Voting__Queue__StreamKey</c>).
/// </summary>
internal interface ISettings
{
    static abstract string SectionName { get; }
}

/// <summary>The one way settings are read: bound to their class, validated, and refused at start when wrong.</summary>
internal static class SettingsBinder
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from its section, with its data annotations and every
    /// <see cref="IValidateOptions{T}"/> checked at start. Several roles in one process may ask for the
    /// same settings: they are bound once, so a wrong value is reported once.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services) where T : class, ISettings
    {
        var builder = services.AddOptions<T>();
        if (!services.Any(d => d.ServiceType == typeof(IOptionsChangeTokenSource<T>)))
        {
            builder.BindConfiguration(T.SectionName).ValidateDataAnnotations().ValidateOnStart();
        }
        return builder;
    }

    /// <summary>
    /// Settings needed before there is a host (which roles to run; a terminal command's connection
    /// strings), bound and validated exactly as <see cref="AddSettings{T}"/> does.
    /// </summary>
    /// <exception cref="SettingException">A value is missing or wrong.</exception>
    public static T Bind<T>(IConfiguration configuration) where T : class, ISettings
    {
        var services = new ServiceCollection().AddSingleton(configuration);
        services.AddSettings<T>();
        using var provider = services.BuildServiceProvider();
        try
        {
            return provider.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            throw Invalid([e]);
        }
    }

    /// <summary>
    /// Validates every setting the host will validate at start, now: before a role migrates a
    /// database, and without the host's "failed to start" log and stack trace.
    /// </summary>
    /// <exception cref="SettingException">Any value is missing or wrong; the message lists them all.</exception>
    public static void ValidateAll(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException e)
        {
            throw Invalid([e]);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            throw Invalid(e.InnerExceptions.Cast<OptionsValidationException>());
        }
    }

    /// <summary>
    /// <c>Voting:Queue</c> + <c>StreamKey</c> is <c>Voting__Queue__StreamKey</c>; a key at the root
    /// (ASP.NET Core's own, such as <c>urls</c>) is read from <c>ASPNETCORE_URLS</c>.
    /// </summary>
    public static string EnvironmentName(string section, string key) =>
        section.Length == 0 ? "ASPNETCORE_" + key.ToUpperInvariant() : $"{section.Replace(":", "__", StringComparison.Ordinal)}__{key}";

    private static SettingException Invalid(IEnumerable<OptionsValidationException> failed) =>
        new("invalid setting: " + string.Join("; ", failed.SelectMany(e => e.Failures.Select(f => Readable(e.OptionsType, f)))).ReplaceLineEndings(" "));

    /// <summary>A data annotation's failure, said with the setting's environment name rather than the class's member.</summary>
    private static string Readable(Type settings, string failure)
    {
        var match = Regex.Match(failure, @"^DataAnnotation validation failed for '[^']*' members: '([^',]+)' with the error: '(.*)'\.$", RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            return failure;
        }
        var message = match.Groups[2].Value;
        var section = settings.GetProperty(nameof(ISettings.SectionName), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        return message.Contains("__", StringComparison.Ordinal) || section is null ? message : $"{EnvironmentName(section, match.Groups[1].Value)}: {message}";
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Voting.Web;

/// <summary>
/// The organiser's token, under <c>Voting</c> in configuration. The poll role needs it for poll
/// management; the result role reads it so the organiser can see results hidden from the audience.
/// </summary>
internal sealed class AdminSettings : ISettings
{
    public static string SectionName => "Voting";

    /// <summary>Bearer token for poll management; admin endpoints refuse everyone while it is empty.</summary>
    public string? AdminToken { get; set; }
}

internal static class AdminSettingsRegistration
{
    /// <summary>The admin token and the guess counter that guards it.</summary>
    public static IServiceCollection AddAdminToken(this IServiceCollection services)
    {
        services.AddSettings<AdminSettings>();
        services.TryAddSingleton<AdminToken>();
        services.TryAddSingleton<AdminGuesses>();
        return services;
    }

    /// <summary>For a role whose admin endpoints are always on: in Production a missing or short token stops the start.</summary>
    public static IServiceCollection RequireAdminTokenInProduction(this IServiceCollection services)
    {
        services.AddAdminToken();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminSettings>, AdminTokenInProduction>());
        return services;
    }
}

/// <summary>
/// The admin endpoints are always on with the poll role, so in Production a missing or short token is
/// a configuration error, not an open door.
/// </summary>
internal sealed class AdminTokenInProduction(IHostEnvironment environment) : IValidateOptions<AdminSettings>
{
    public ValidateOptionsResult Validate(string? name, AdminSettings options) =>
        environment.IsProduction() && (options.AdminToken is null || options.AdminToken.Length < AdminToken.MinimumLength)
            ? ValidateOptionsResult.Fail($"an admin token of at least {AdminToken.MinimumLength} characters is required in Production: set Voting__AdminToken")
            : ValidateOptionsResult.Success;
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Voting.Web;

/// <summary>What every role's HTTP side is told about the world in front of it, under <c>Voting</c>.</summary>
internal sealed class WebSettings : ISettings
{
    public static string SectionName => "Voting";

    /// <summary>
    /// The address people reach the vote pages by, for share links and QR codes (on the admin pages
    /// and the results' presenter view, which may be served from another host).
    /// </summary>
    [Url(ErrorMessage = "Voting__PublicUrl must be an absolute http or https URL.")]
    public string? PublicUrl { get; set; }

    /// <summary>Addresses or CIDRs, comma-separated, whose X-Forwarded-For is believed.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>
    /// How many proxies in front of the app each append an address to X-Forwarded-For: 1 for Traefik
    /// alone, 2 for a load balancer in front of Traefik. Each of them must be in <see cref="TrustedProxies"/>.
    /// </summary>
    [Range(1, 10, ErrorMessage = "Voting__ForwardedHops must be 1 (Traefik alone) to 10.")]
    public int ForwardedHops { get; set; } = 1;

    /// <summary>The networks of <see cref="TrustedProxies"/>; the item that is neither an address nor a CIDR, if any.</summary>
    public List<IPNetwork> TrustedNetworks(out string? wrong)
    {
        wrong = null;
        var networks = new List<IPNetwork>();
        foreach (var item in (TrustedProxies ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                wrong ??= item;
            }
        }
        return networks;
    }
}

internal static class WebSettingsRegistration
{
    /// <summary>Bound once however many roles ask (poll and result both show share links).</summary>
    public static IServiceCollection AddWebSettings(this IServiceCollection services)
    {
        services.AddSettings<WebSettings>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSettings>, WebSettingsValidator>());
        return services;
    }
}

/// <summary>A trusted proxy that is not an address stops the start, rather than trusting fewer proxies than meant.</summary>
internal sealed class WebSettingsValidator : IValidateOptions<WebSettings>
{
    public ValidateOptionsResult Validate(string? name, WebSettings options)
    {
        options.TrustedNetworks(out var wrong);
        return wrong is null ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Voting__TrustedProxies: '{wrong}' is not an address or a CIDR network.");
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Voting.Web;

/// <summary>Who may tell the app a client's address, and through how many hops.</summary>
public sealed class ProxySettings
{
    public const string SectionName = "Voting";

    /// <summary>Addresses or CIDRs, comma-separated, whose X-Forwarded-For is believed.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>
    /// How many proxies in front of the app each append an address to X-Forwarded-For: 1 for Traefik
    /// alone, 2 for a load balancer in front of Traefik. Each of them must be in <see cref="TrustedProxies"/>.
    /// </summary>
    [Range(1, 10, ErrorMessage = "Voting__ForwardedHops must be 1 (Traefik alone) to 10.")]
    public int ForwardedHops { get; set; } = 1;
}

/// <summary>
/// Behind Traefik the client's address comes from X-Forwarded-For, but only when the request comes
/// from a configured proxy (<c>Voting__TrustedProxies</c>: addresses or CIDRs, comma-separated).
/// Anyone else's forwarded headers are ignored, so a client cannot pick its own address. The list is
/// read from the right, one address per trusted hop (<c>Voting__ForwardedHops</c>), and stops at the
/// first address that is not a trusted proxy: behind <c>client → load balancer → Traefik</c> the
/// header reads <c>client, lb</c>, and with the balancer trusted and two hops the client is found.
/// </summary>
public static class TrustedProxies
{
    public const string SettingKey = "Voting:TrustedProxies";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var networks = Parse(configuration[SettingKey]);
        services.AddOptions<ProxySettings>().BindConfiguration(ProxySettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxySettings>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback by default.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
            // Each trusted hop appends the address it saw: take that many from the right, never what
            // the client wrote before them.
            options.ForwardLimit = settings.Value.ForwardedHops;
        });
        return services;
    }

    private static List<System.Net.IPNetwork> Parse(string? configured)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var item in (configured ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new MissingSettingException($"Voting__TrustedProxies: '{item}' is not an address or a CIDR network.");
            }
        }
        return networks;
    }

    /// <summary>
    /// Applies forwarded headers only when proxies are configured: with no known proxy at all, the
    /// middleware would believe every client's X-Forwarded-For.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[SettingKey]) ? app : app.UseForwardedHeaders();
}

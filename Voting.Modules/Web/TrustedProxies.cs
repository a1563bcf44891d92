using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Voting.Web;

/// <summary>
/// Behind Traefik the client's address comes from X-Forwarded-For, but only when the request comes
/// from a configured proxy (<c>Voting__TrustedProxies</c>: addresses or CIDRs, comma-separated).
/// Anyone else's forwarded headers are ignored, so a client cannot pick its own address.
/// </summary>
public static class TrustedProxies
{
    public const string SettingKey = "Voting:TrustedProxies";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var configured = configuration[SettingKey] ?? string.Empty;
        var networks = new List<System.Net.IPNetwork>();
        foreach (var item in configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
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
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback by default.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
            // Traefik appends the address it saw: take that one, not whatever the client wrote before it.
            options.ForwardLimit = 1;
        });
        return services;
    }

    /// <summary>
    /// Applies forwarded headers only when proxies are configured: with no known proxy at all, the
    /// middleware would believe every client's X-Forwarded-For.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[SettingKey]) ? app : app.UseForwardedHeaders();
}

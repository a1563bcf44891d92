using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Voting.Web;

/// <summary>
/// Behind Traefik the client's address comes from X-Forwarded-For, but only when the request comes
/// from a configured proxy (<c>Voting__TrustedProxies</c>: addresses or CIDRs, comma-separated).
/// Anyone else's forwarded headers are ignored, so a client cannot pick its own address. The list is
/// read from the right, one address per trusted hop (<c>Voting__ForwardedHops</c>), and stops at the
/// first address that is not a trusted proxy: behind <c>client → load balancer → Traefik</c> the
/// header reads <c>client, lb</c>, and with the balancer trusted and two hops the client is found.
/// </summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddWebSettings();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebSettings>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback by default.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in settings.Value.TrustedNetworks(out _))
            {
                options.KnownIPNetworks.Add(network);
            }
            // Each trusted hop appends the address it saw: take that many from the right, never what
            // the client wrote before them.
            options.ForwardLimit = settings.Value.ForwardedHops;
        });
        return services;
    }

    /// <summary>
    /// Applies forwarded headers only when proxies are configured: with no known proxy at all, the
    /// middleware would believe every client's X-Forwarded-For. Decided per request from the bound
    /// settings (a field read), so nothing is read before the start has validated them.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<WebSettings>>();
        return app.UseWhen(_ => !string.IsNullOrWhiteSpace(settings.Value.TrustedProxies), trusted => trusted.UseForwardedHeaders());
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Voting.Storage;
using Voting.Web;

namespace Voting.Result;

internal static class ResultModule
{
    /// <summary>The result role: results API and page, the SignalR hub, and the change broadcaster.</summary>
    public static IServiceCollection AddResult(this IServiceCollection services)
    {
        // Reads of O(options) take about a millisecond: a few connections serve thousands of readers a second.
        services.AddStorage(connections: 8);
        services.AddSettings<ResultSettings>();
        services.AddWebSettings();
        // Not required: without it, hidden results stay hidden to everyone here.
        services.AddAdminToken();
        services.AddSingleton(MetricsOwner.Result);
        services.AddSingleton<Subscriptions>();
        services.AddSingleton<ResultsBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultsBroadcaster>());
        services.AddSingleton<KnownPolls>();
        services.AddSingleton<EventWatch>();
        services.AddSingleton<HubGuard>();
        services.AddLogging(logging => logging.AddFilter(HubGuard.DispatcherLogCategory, LogLevel.Critical));
        services.AddSignalR(hub => hub.AddFilter<HubGuard>()).AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, VotingJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapResult(this IEndpointRouteBuilder routes)
    {
        ResultEndpoints.Map(routes);
        routes.MapHub<ResultsHub>(ResultsHub.Path);
        return routes;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Voting.Storage;
using Voting.Web;

namespace Voting.Result;

public static class ResultModule
{
    /// <summary>The result role: results API and page, the SignalR hub, and the change broadcaster.</summary>
    public static IServiceCollection AddResult(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStorage(configuration);
        services.AddOptions<ResultSettings>().BindConfiguration(ResultSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(MetricsOwner.Result);
        services.AddSingleton<Subscriptions>();
        services.AddSingleton<ResultsBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultsBroadcaster>());
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, VotingJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapResult(this IEndpointRouteBuilder routes)
    {
        ResultPages.Map(routes);
        routes.MapHub<ResultsHub>(ResultsHub.Path);
        return routes;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Voting.Queue;
using Voting.Storage;

namespace Voting.Poll;

public static class PollModule
{
    /// <summary>The poll role: vote pages and API, poll management, the in-memory poll catalog.</summary>
    public static IServiceCollection AddPoll(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddQueue(configuration);
        services.AddStorage(configuration);
        services.AddOptions<PollSettings>().BindConfiguration(PollSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PollCatalog>();
        services.AddSingleton<VoteService>();
        services.AddSingleton<AdminToken>();
        services.AddSingleton<AdminSession>();
        services.AddHostedService<PollCatalogRefresher>();
        services.AddVoteRateLimits();
        RequireAdminTokenInProduction(configuration);

        services.AddPollDataProtection(configuration);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "voting-af";
            options.FormFieldName = "__vt";
        });
        return services;
    }

    /// <summary>
    /// The admin endpoints are always on with the poll role, so in Production a missing or short
    /// token is a configuration error, not an open door.
    /// </summary>
    private static void RequireAdminTokenInProduction(IConfiguration configuration)
    {
        var environment = configuration["environment"] ?? "Production";
        var token = configuration["Voting:AdminToken"];
        if (environment.Equals("Production", StringComparison.OrdinalIgnoreCase) && (token is null || token.Length < AdminToken.MinimumLength))
        {
            throw new MissingSettingException($"an admin token of at least {AdminToken.MinimumLength} characters is required in Production: set Voting__AdminToken");
        }
    }

    public static IEndpointRouteBuilder MapPoll(this IEndpointRouteBuilder routes)
    {
        PollApi.Map(routes);
        VotePages.Map(routes);
        AdminPages.Map(routes);
        return routes;
    }

    /// <summary>Poll management for the command line, without a web host.</summary>
    public static async Task<PollDefinition?> CreateFromCommandLineAsync(PollStore store, string? id, string question, IReadOnlyList<string?> labels, CancellationToken cancellationToken)
    {
        var errors = NewPoll.Validate(id, question, labels);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Values.SelectMany(v => v)));
        }
        return await PollApi.CreateAsync(store, new PollCatalog(), id, question, labels, DateTimeOffset.UtcNow, cancellationToken);
    }

}

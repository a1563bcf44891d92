using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Queue;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

internal static class PollModule
{
    /// <summary>The poll role: vote pages and API, poll management, the in-memory poll catalog.</summary>
    public static IServiceCollection AddPoll(this IServiceCollection services)
    {
        services.AddQueue();
        // The catalog refresh, and creates and closes now and then.
        services.AddStorage(connections: 4);
        services.AddSettings<PollSettings>();
        services.RequireAdminTokenInProduction();
        services.AddWebSettings();
        services.AddSingleton(MetricsOwner.Poll);
        services.AddSingleton<PollCatalog>();
        services.AddSingleton<VoteService>();
        services.AddSingleton<PollCreation>();
        services.AddSingleton<PollClosing>();
        services.AddSingleton<PollTimer>();
        services.AddSingleton<PollReveal>();
        services.AddSingleton<AdminSession>();
        services.AddHostedService<PollCatalogRefresher>();
        services.AddVoteRateLimits();
        services.AddPollDataProtection();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "voting-af";
            options.FormFieldName = "__vt";
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPoll(this IEndpointRouteBuilder routes)
    {
        PollApi.Map(routes);
        VoteEndpoints.Map(routes);
        AdminEndpoints.Map(routes);
        return routes;
    }

    /// <summary>Poll management for the command line, without a web host.</summary>
    public static Task<PollCreated> CreateFromCommandLineAsync(PollStore store, VoteStream? stream, CreatePollRequest request, CancellationToken cancellationToken) =>
        new PollCreation(store, catalog: null, stream, TimeProvider.System).CreateAsync(request, cancellationToken);

    /// <summary>Closes a poll from the command line: through Redis first, as the poll role does.</summary>
    public static async Task<(CloseOutcome Outcome, PollDefinition? Poll)> CloseFromCommandLineAsync(string postgres, string redis, QueueSettings settings, string pollId, CancellationToken cancellationToken)
    {
        var queue = Options.Create(settings);
        await using var data = StorageModule.CreateDataSource(postgres);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(QueueModule.CreateOptions(redis, queue.Value));
        var closing = new PollClosing(new PollCatalog(), new PollStore(data), new VoteStream(connection, queue), TimeProvider.System, queue,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PollClosing>.Instance);
        return await closing.CloseAsync(pollId, cancellationToken);
    }

}

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
        services.AddSingleton<SubmittedWords>();
        services.AddSingleton<WordModeration>();
        services.AddSingleton<EventLookup>();
        services.AddSingleton<EventManagement>();
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
        EventApi.Map(routes);
        EventEndpoints.Map(routes);
        AdminEventEndpoints.Map(routes);
        return routes;
    }

    /// <summary>Poll management for the command line, without a web host.</summary>
    public static Task<PollCreated> CreateFromCommandLineAsync(PollStore store, EventStore events, VoteStream? stream, CreatePollRequest request, CancellationToken cancellationToken) =>
        new PollCreation(store, catalog: null, stream, TimeProvider.System, events: events).CreateAsync(request, cancellationToken);

    /// <summary>
    /// Creates a poll from the command line; a poll with a duration also gets its timer in Redis
    /// (<paramref name="redis"/> is then required, the caller checks), as the poll role's create does.
    /// </summary>
    public static async Task<PollCreated> CreateFromCommandLineAsync(string postgres, string? redis, QueueSettings settings, CreatePollRequest request, CancellationToken cancellationToken)
    {
        await using var data = StorageModule.CreateDataSource(postgres);
        if (redis is null)
        {
            return await CreateFromCommandLineAsync(new PollStore(data), new EventStore(data), stream: null, request, cancellationToken);
        }
        var queue = Options.Create(settings);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(QueueModule.CreateOptions(redis, queue.Value));
        return await CreateFromCommandLineAsync(new PollStore(data), new EventStore(data), new VoteStream(connection, queue), request, cancellationToken);
    }

    /// <summary>Reveals (true) or hides (false) a poll's results from the command line; null when there is no such poll.</summary>
    public static async Task<PollDefinition?> RevealFromCommandLineAsync(string postgres, string pollId, bool revealed, CancellationToken cancellationToken)
    {
        await using var data = StorageModule.CreateDataSource(postgres);
        return await new PollReveal(new PollCatalog(), new PollStore(data)).SetAsync(pollId, revealed, cancellationToken);
    }

    /// <summary>A poll's results as the CSV the API serves (<see cref="ResultsCsv"/>), or null when there is no such poll.</summary>
    public static async Task<string?> ExportFromCommandLineAsync(string postgres, BlockedWords blocked, string pollId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(pollId))
        {
            return null;
        }
        await using var data = StorageModule.CreateDataSource(postgres);
        return await new ResultStore(data, TimeProvider.System, blocked).ReadForExportAsync(pollId, cancellationToken) is { } results
            ? ResultsCsv.Write(results)
            : null;
    }

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

using Voting.Poll;
using Voting.Queue;
using Voting.Result;
using Voting.Storage;
using Voting.Worker;
using static Voting.Host.VotingDefaults;

namespace Voting.Host;

/// <summary>The one place that turns a set of roles into a running web application.</summary>
internal static class Roles
{
    /// <param name="settings">Settings from the command line: they win over environment and appsettings.json.</param>
    public static WebApplication Build(RoleSet roles, IReadOnlyDictionary<string, string?> settings)
    {
        // Found from any working directory: appsettings.json sits beside the executable. The slim
        // builder leaves out what no role uses (IIS, HTTPS and HTTP/3 set-up, the Debug and EventSource
        // loggers, hosting startup assemblies), and nothing watches appsettings.json for changes: each
        // costs loaded assemblies and resident memory in every role (docs/performance.md, "memory").
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddVotingDefaults();

        // Each role brings its own services; readiness checks exactly what docs/architecture.md says that role needs.
        var services = builder.Services;
        var ready = services.AddHealthChecks();
        if (roles.Has(Role.Poll))
        {
            services.AddPoll();
            ready.AddCheck<PollCatalogHealthCheck>("poll-catalog", tags: [Ready]);
        }
        if (roles.Has(Role.Worker))
        {
            services.AddWorker();
        }
        if (roles.Has(Role.Result))
        {
            services.AddResult();
        }
        if (roles.Has(Role.Poll) || roles.Has(Role.Worker))
        {
            ready.AddCheck<RedisHealthCheck>("redis", tags: [Ready]);
        }
        if (roles.Has(Role.Worker) || roles.Has(Role.Result))
        {
            ready.AddCheck<PostgresHealthCheck>("postgres", tags: [Ready]);
        }

        var app = builder.Build();
        // The worker serves no page: no static files or status-code pages in its pipeline.
        app.UseVotingDefaults(servesPages: roles.Has(Role.Poll) || roles.Has(Role.Result));
        if (roles.Has(Role.Poll))
        {
            app.UseRateLimiter();
            app.UseAntiforgery();
            app.MapPoll();
        }
        if (roles.Has(Role.Result))
        {
            app.MapResult();
        }
        return app;
    }
}

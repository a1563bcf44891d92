using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Voting.Poll;
using Voting.Queue;
using Voting.Result;
using Voting.Storage;
using Voting.Web;
using Voting.Worker;

namespace Voting.Host;

/// <summary>The one place that turns a set of roles into a running web application.</summary>
public static class Roles
{
    private const string Ready = "ready";

    /// <param name="settings">Settings from the command line: they win over environment and appsettings.json.</param>
    public static WebApplication Build(RoleSet roles, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Found from any working directory: appsettings.json sits beside the executable.
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(settings);
        if (!SettingsBinder.Bind<ListenSettings>(builder.Configuration).IsGiven)
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders().AddJsonConsole(o => o.UseUtcTimestamp = true);
        }

        var services = builder.Services;
        // The host's graceful shutdown must fit inside the pod's grace period: see docs/reliability.md.
        services.AddSettings<HostSettings>();
        services.AddOptions<HostOptions>().Configure<IOptions<HostSettings>>((o, s) => o.ShutdownTimeout = TimeSpan.FromSeconds(s.Value.ShutdownTimeoutSeconds));
        services.AddProblemDetails();
        services.AddTrustedProxies();
        services.AddExceptionHandler<DependencyExceptionHandler>();
        services.AddSingleton<Telemetry>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, VotingJson.Default));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Telemetry.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        var health = services.AddHealthChecks();

        // Each role brings its own services; readiness checks exactly what docs/architecture.md says that role needs.
        if (roles.Has(Role.Poll))
        {
            services.AddPoll();
            health.AddCheck<PollCatalogHealthCheck>("poll-catalog", tags: [Ready]);
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
            health.AddCheck<RedisHealthCheck>("redis", tags: [Ready]);
        }
        if (roles.Has(Role.Worker) || roles.Has(Role.Result))
        {
            health.AddCheck<PostgresHealthCheck>("postgres", tags: [Ready]);
        }

        var app = builder.Build();
        // The meter provider first, listening, then the instruments with their zeros: each role's
        // metrics are on /metrics, at zero, before anything happens.
        app.Services.GetRequiredService<MeterProvider>();
        app.Services.GetRequiredService<Telemetry>();
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseEmbeddedStaticFiles();
        if (roles.Has(Role.Poll))
        {
            app.UseRateLimiter();
            app.UseAntiforgery();
        }

        app.MapGet("/healthz", () => TypedResults.Text("alive"));
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        app.MapVotingMetrics();
        if (roles.Has(Role.Poll))
        {
            app.MapPoll();
        }
        if (roles.Has(Role.Result))
        {
            app.MapResult();
        }
        return app;
    }
}

using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Voting.Web;

namespace Voting.Host;

/// <summary>
/// What every role's process has, whatever it runs (as eShop's ServiceDefaults): logging, the
/// shutdown budget, problem details and the exception handler, metrics, health, security headers,
/// static files and trusted proxies. <see cref="Roles"/> adds the roles on top.
/// </summary>
internal static class VotingDefaults
{
    /// <summary>The tag of the health checks <c>/readyz</c> runs; <c>/healthz</c> runs none.</summary>
    public const string Ready = "ready";

    /// <summary>
    /// The most tag combinations one instrument keeps; past it OpenTelemetry folds measurements into
    /// one overflow series. The largest, <c>http.server.request.duration</c>, has routes × methods × statuses.
    /// </summary>
    public const int MetricSeriesPerInstrument = 256;

    /// <summary>
    /// ASP.NET Core's meters on <c>/metrics</c>: requests (<c>http.server.*</c>), connections
    /// (<c>kestrel.*</c>, SignalR's), and handled exceptions. Not the memory pool's, the router's or the
    /// rate limiter's, which OpenTelemetry's ASP.NET Core instrumentation also subscribes to: they
    /// recorded on every buffer rented and every request, about 3 % of the poll role's CPU a vote, and
    /// nothing watches them (a vote refused by a rate limit is in <c>voting_votes_rejected_total{reason="rate_limited"}</c>).
    /// </summary>
    public static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.SignalR.Server",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    public static WebApplicationBuilder AddVotingDefaults(this WebApplicationBuilder builder)
    {
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
            .AddMeter(AspNetCoreMeters)
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter()
            // OpenTelemetry sizes every metric stream for 2,000 tag combinations up front (about
            // 144 KB a metric, 6 MB over the ~45 a role exports); none of ours has more than a few dozen.
            .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricSeriesPerInstrument }));
        services.AddHealthChecks();
        return builder;
    }

    /// <param name="servesPages">Whether a role here serves pages: only then static files and status-code pages.</param>
    public static WebApplication UseVotingDefaults(this WebApplication app, bool servesPages)
    {
        // The meter provider first, listening, then the instruments with their zeros: each role's
        // metrics are on /metrics, at zero, before anything happens.
        app.Services.GetRequiredService<MeterProvider>();
        app.Services.GetRequiredService<Telemetry>();
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        if (servesPages)
        {
            app.UseStatusCodePages();
        }
        app.UseSecurityHeaders();
        if (servesPages)
        {
            app.UseEmbeddedStaticFiles();
        }

        app.MapGet("/healthz", () => TypedResults.Text("alive"));
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        app.MapVotingMetrics();
        return app;
    }
}

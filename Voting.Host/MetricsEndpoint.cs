using System.Text;
using OpenTelemetry.Metrics;

namespace Voting.Host;

/// <summary>
/// <c>/metrics</c>: OpenTelemetry's Prometheus exporter (the roles' counters and gauges, ASP.NET
/// Core's and the runtime's metrics), followed by the two histograms <see cref="Telemetry"/> keeps
/// itself so that they exist at zero from start (the exporter omits a histogram until its first
/// observation). The exporter is asked for the plain text format, which has no end marker, and
/// without compression (it gzips when asked, and Prometheus asks), so the histograms can follow its
/// output.
/// </summary>
internal static class MetricsEndpoint
{
    private const string Path = "/metrics";

    public static void MapVotingMetrics(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path == Path, branch => branch.Use(async (context, next) =>
        {
            context.Request.Headers.Accept = "text/plain";
            context.Request.Headers.AcceptEncoding = Microsoft.Extensions.Primitives.StringValues.Empty;
            var body = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = body;
            }
            if (context.Response.StatusCode == StatusCodes.Status200OK)
            {
                var histograms = new StringBuilder();
                context.RequestServices.GetRequiredService<Telemetry>().WriteHistograms(histograms);
                buffer.Write(Encoding.UTF8.GetBytes(histograms.ToString()));
            }
            context.Response.ContentLength = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(body, context.RequestAborted);
        }));
        app.MapPrometheusScrapingEndpoint(Path);
    }
}

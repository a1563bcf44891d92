using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace Voting.Web;

/// <summary>
/// Turns a dependency outage into 503 with Retry-After, and a request the server could not read
/// into its 4xx, so nothing a client sends or an outage causes becomes a 500.
/// </summary>
internal sealed class DependencyExceptionHandler(IProblemDetailsService problems, ILogger<DependencyExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string detail;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                detail = bad.Message;
                break;
            case NpgsqlException or RedisException or TimeoutException:
                status = StatusCodes.Status503ServiceUnavailable;
                detail = "A dependency is unavailable; try again shortly.";
                context.Response.Headers.RetryAfter = "2";
                logger.LogWarning(exception, "Dependency unavailable while serving {Path}", context.Request.Path.Value);
                break;
            default:
                return false;
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}

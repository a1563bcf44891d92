using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Voting.Web;

/// <summary>RFC 7807 answers with the status codes docs/architecture.md lists.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status);

    /// <summary>A dependency is down: the client may retry after a moment.</summary>
    public static ProblemHttpResult Unavailable(HttpContext context, string detail, int retryAfterSeconds = 1)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status503ServiceUnavailable, detail);
    }

    /// <summary>429: the client has asked too often; Retry-After in whole seconds, at least 1.</summary>
    public static ProblemHttpResult TooMany(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status429TooManyRequests, $"Too many requests; try again in {seconds} s.");
    }
}

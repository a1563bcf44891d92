using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// One limit as ASP.NET Core's rate limiter middleware sees it: the request's key (or none, when the
/// limit does not apply) counted in a <see cref="WindowCounter"/>. It holds no state per key, so a
/// request it refuses, or one refused before it is asked, leaves nothing behind.
/// </summary>
internal sealed class WindowLimiter(WindowCounter counter, int limit, WindowLimiter.KeyOf keyOf) : PartitionedRateLimiter<HttpContext>
{
    /// <summary>The key a request counts under, or false when this limit does not apply to it.</summary>
    public delegate bool KeyOf(HttpContext context, out UInt128 key, out int salt);

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (limit == 0 || permitCount == 0 || !keyOf(resource, out var key, out var salt))
        {
            return WindowLease.Granted;
        }
        return counter.TryTake(key, salt, limit, out var retryAfter) ? WindowLease.Granted : new WindowLease(retryAfter);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));
}

/// <summary>A granted lease, or a refusal that says how long to wait.</summary>
internal sealed class WindowLease : RateLimitLease
{
    public static readonly WindowLease Granted = new(null);

    private readonly TimeSpan? _retryAfter;

    public WindowLease(TimeSpan? retryAfter) => _retryAfter = retryAfter;

    public override bool IsAcquired => _retryAfter is null;

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = wait;
            return true;
        }
        metadata = null;
        return false;
    }
}

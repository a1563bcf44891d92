using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Voting.Poll;

/// <summary>
/// Votes are limited per voter (a person changing their mind is fine; a loop is not) and per client
/// address (a script minting a new voter per request). The address limit is a token bucket whose
/// burst is ten seconds' worth, so a lecture hall of phones behind one NAT address can all vote at
/// the moment the speaker asks, while a sustained hammering from one address is held to the rate.
/// </summary>
public sealed class RateLimitSettings
{
    public const string SectionName = "Voting:RateLimits";

    /// <summary>Votes one voter may cast per minute; 0 turns the limit off.</summary>
    public int PerVoterPerMinute { get; set; } = 30;

    /// <summary>Votes per second from one client address, with a burst of ten seconds' worth; 0 turns it off.</summary>
    public int PerAddressPerSecond { get; set; } = 50;

    public const int BurstSeconds = 10;
}

/// <summary>Marks the endpoints that cast a vote.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class VoteRateLimitedAttribute : Attribute;

/// <summary>Marks the admin sign-in: a few guesses a minute per address, whatever the vote limits.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class SignInRateLimitedAttribute : Attribute
{
    public const int PerAddressPerMinute = 10;
}

public static class RateLimits
{
    public static IServiceCollection AddVoteRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitSettings.SectionName).Get<RateLimitSettings>() ?? new RateLimitSettings();
        if (settings.PerVoterPerMinute < 0 || settings.PerAddressPerSecond < 0)
        {
            throw new MissingSettingException("Voting__RateLimits__PerVoterPerMinute and Voting__RateLimits__PerAddressPerSecond must be 0 (off) or more.");
        }
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(PerVoter(settings), PerAddress(settings), SignIns());
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = 429, Detail = $"Too many requests; try again in {retryAfter} s." },
                });
            };
        });
        return services;
    }

    private static bool IsVote(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<VoteRateLimitedAttribute>() is not null;

    private static PartitionedRateLimiter<HttpContext> SignIns() =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.GetEndpoint()?.Metadata.GetMetadata<SignInRateLimitedAttribute>() is null
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = SignInRateLimitedAttribute.PerAddressPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));

    private static PartitionedRateLimiter<HttpContext> PerVoter(RateLimitSettings settings) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            // A request without a valid voter cookie is a new voter: the address limit covers those.
            if (settings.PerVoterPerMinute == 0 || !IsVote(context) || !VoterCookie.TryRead(context, out var voter))
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }
            return RateLimitPartition.GetFixedWindowLimiter(voter.ToString("N"), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PerVoterPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });

    private static PartitionedRateLimiter<HttpContext> PerAddress(RateLimitSettings settings) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (settings.PerAddressPerSecond == 0 || !IsVote(context))
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = settings.PerAddressPerSecond * RateLimitSettings.BurstSeconds,
                TokensPerPeriod = settings.PerAddressPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
}

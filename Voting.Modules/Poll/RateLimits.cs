using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// Votes are limited per client address (an IPv4 address or an IPv6 /64), per new voter an address
/// creates on one poll, and per voter. Defaults and the reasoning behind them: docs/reliability.md,
/// "Voter identity and rate limits".
/// </summary>
internal sealed class RateLimitSettings : ISettings
{
    public static string SectionName => "Voting:RateLimits";

    /// <summary>Votes one voter may cast per minute; 0 turns the limit off.</summary>
    [Range(0, 100_000, ErrorMessage = "Voting__RateLimits__PerVoterPerMinute must be 0 (off) to 100000.")]
    public int PerVoterPerMinute { get; set; } = 30;

    /// <summary>Votes per second from one client address, counted over ten seconds (so a burst of ten seconds' worth); 0 turns it off.</summary>
    [Range(0, 100_000, ErrorMessage = "Voting__RateLimits__PerAddressPerSecond must be 0 (off) to 100000.")]
    public int PerAddressPerSecond { get; set; } = 50;

    /// <summary>
    /// New voters (votes without a valid voter cookie) one address may create on one poll in a minute;
    /// 0 turns it off. 500: a full lecture hall behind one NAT address joins at once, while a script
    /// that drops its cookie is held to 500 counted votes a poll a minute instead of 3,000.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "Voting__RateLimits__NewVotersPerAddressPerMinute must be 0 (off) to 100000.")]
    public int NewVotersPerAddressPerMinute { get; set; } = 500;

    public const int BurstSeconds = 10;
}

/// <summary>Marks the endpoints that cast a vote.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class VoteRateLimitedAttribute : Attribute;

/// <summary>Marks the admin sign-in: a few guesses a minute per address, whatever the vote limits.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class SignInRateLimitedAttribute : Attribute
{
    public const int PerAddressPerMinute = AdminGuesses.PerAddressPerMinute;
}

internal static class RateLimits
{
    // Salts keep the limits' keys apart where two limits share nothing but the address.
    private const int AddressSalt = 1;
    private const int SignInSalt = 2;

    public static IServiceCollection AddVoteRateLimits(this IServiceCollection services)
    {
        services.AddSettings<RateLimitSettings>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>, TimeProvider>((options, settings, time) =>
        {
            var s = settings.Value;
            // The order is the point: the cheap per-address limit first, so a request it refuses never
            // reaches the others. Each keeps a fixed amount of memory, whatever a flood sends. A limit set
            // to 0 is left out of the chain, not asked on every request: with the vote limits off a vote
            // pays for none of them (the chain cost about 4 % of the poll role's CPU a vote).
            var limiters = new List<PartitionedRateLimiter<HttpContext>>(4);
            if (s.PerAddressPerSecond > 0)
            {
                limiters.Add(new WindowLimiter(new WindowCounter(TimeSpan.FromSeconds(RateLimitSettings.BurstSeconds), 1 << 16, time),
                    s.PerAddressPerSecond * RateLimitSettings.BurstSeconds, VoteByAddress));
            }
            if (s.NewVotersPerAddressPerMinute > 0)
            {
                limiters.Add(new WindowLimiter(new WindowCounter(TimeSpan.FromMinutes(1), 1 << 16, time), s.NewVotersPerAddressPerMinute, NewVoterByAddressAndPoll));
            }
            if (s.PerVoterPerMinute > 0)
            {
                limiters.Add(new WindowLimiter(new WindowCounter(TimeSpan.FromMinutes(1), 1 << 16, time), s.PerVoterPerMinute, KnownVoter));
            }
            limiters.Add(new WindowLimiter(new WindowCounter(TimeSpan.FromMinutes(1), 1 << 12, time), SignInRateLimitedAttribute.PerAddressPerMinute, SignIn));
            options.GlobalLimiter = limiters.Count == 1 ? limiters[0] : PartitionedRateLimiter.CreateChained([.. limiters]);
            options.OnRejected = async (context, _) =>
            {
                if (IsVote(context.HttpContext))
                {
                    context.HttpContext.RequestServices.GetRequiredService<Telemetry>().Rejected(Telemetry.Reasons.RateLimited);
                }
                await Problems.TooMany(context.HttpContext,
                    context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1)).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static bool IsVote(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<VoteRateLimitedAttribute>() is not null;

    private static bool VoteByAddress(HttpContext context, out UInt128 key, out int salt)
    {
        key = ClientAddress.Group(context.Connection.RemoteIpAddress);
        salt = AddressSalt;
        return IsVote(context);
    }

    /// <summary>A vote without a voter cookie the server signed creates a voter: counted per address and poll.</summary>
    private static bool NewVoterByAddressAndPoll(HttpContext context, out UInt128 key, out int salt)
    {
        key = ClientAddress.Group(context.Connection.RemoteIpAddress);
        salt = (context.Request.RouteValues["pollId"] as string ?? string.Empty).GetHashCode(StringComparison.Ordinal);
        return IsVote(context) && !VoterCookie.TryRead(context, out _);
    }

    private static bool KnownVoter(HttpContext context, out UInt128 key, out int salt)
    {
        salt = 0;
        if (IsVote(context) && VoterCookie.TryRead(context, out var voter))
        {
            Span<byte> bytes = stackalloc byte[16];
            voter.TryWriteBytes(bytes);
            key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes);
            return true;
        }
        key = UInt128.Zero;
        return false;
    }

    private static bool SignIn(HttpContext context, out UInt128 key, out int salt)
    {
        key = ClientAddress.Group(context.Connection.RemoteIpAddress);
        salt = SignInSalt;
        return context.GetEndpoint()?.Metadata.GetMetadata<SignInRateLimitedAttribute>() is not null;
    }
}

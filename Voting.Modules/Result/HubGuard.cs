using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Voting.Result;

/// <summary>
/// Bounds what one hub connection can make this process do, since WebSocket frames pass the edge's
/// request rate limit: a few calls a second per connection (a page calls Subscribe once per
/// connect), and a connection that keeps going past its allowance is closed. Client mistakes (an
/// unknown poll, too many calls) are logged at Debug, without a stack trace; anything else at Error.
/// SignalR's own dispatcher would log every failed call at Error with its stack trace, so its log
/// category is turned down where this filter is registered (ResultModule).
/// </summary>
internal sealed class HubGuard(TimeProvider time, ILogger<HubGuard> logger) : IHubFilter
{
    /// <summary>Calls a connection may make at once, and then per second.</summary>
    public const int Burst = 10;
    public const double PerSecond = 2;

    /// <summary>Refused calls after which the connection is closed.</summary>
    public const int RefusalsBeforeClose = 20;

    public const string DispatcherLogCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connection = invocation.Context;
        var allowance = (Allowance)(connection.Items.TryGetValue(typeof(Allowance), out var item) ? item! : connection.Items[typeof(Allowance)] = new Allowance(time.GetTimestamp()));
        if (!allowance.TryTake(time))
        {
            if (allowance.Refused >= RefusalsBeforeClose)
            {
                logger.LogDebug("Closing hub connection {ConnectionId}: {Refused} calls refused", connection.ConnectionId, allowance.Refused);
                connection.Abort();
            }
            throw new HubException("Too many calls; slow down.");
        }
        try
        {
            return await next(invocation);
        }
        catch (HubException e)
        {
            logger.LogDebug("Hub call {Method} refused: {Reason}", invocation.HubMethodName, e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Hub call {Method} failed", invocation.HubMethodName);
            throw;
        }
    }

    /// <summary>A token bucket per connection; it lives and dies with the connection's items.</summary>
    private sealed class Allowance(long start)
    {
        private readonly Lock _gate = new();
        private double _tokens = Burst;
        private long _at = start;

        public int Refused { get; private set; }

        public bool TryTake(TimeProvider time)
        {
            lock (_gate)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(Burst, _tokens + time.GetElapsedTime(_at, now).TotalSeconds * PerSecond);
                _at = now;
                if (_tokens >= 1)
                {
                    _tokens--;
                    return true;
                }
                Refused++;
                return false;
            }
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// Reads polls changed since the last revision every <see cref="PollSettings.CatalogRefreshMilliseconds"/>
/// (a second by default), and all of them every 30 s, in case
/// a transaction committed out of revision order. Failures are logged and retried; the catalog
/// keeps serving what it has.
/// </summary>
internal sealed class PollCatalogRefresher(PollCatalog catalog, PollStore store, TimeProvider time, IOptions<PollSettings> settings, ILogger<PollCatalogRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan FullReloadEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(settings.Value.CatalogRefreshMilliseconds);
        var fullReload = new Every(FullReloadEvery, time);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A failed full read is due again at the next pass: the schedule is taken only once it succeeded.
                var full = !catalog.Loaded || fullReload.IsDue;
                var changed = await store.LoadChangedAsync(full ? 0 : catalog.Revision, stoppingToken);
                catalog.Apply(changed);
                if (full)
                {
                    fullReload.TakeIfDue();
                }
                if (failing)
                {
                    logger.LogInformation("Poll definitions are being read again");
                    failing = false;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    logger.LogWarning(e, "Cannot read poll definitions; voting goes on with the {Count} polls in memory", catalog.Count);
                    failing = true;
                }
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

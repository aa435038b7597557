using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// Recomputes freshness on a timer so the metrics move with the calendar, not only with API calls. The first
/// computation is made at start, before the service listens.
/// </summary>
public sealed class FreshnessRefresher(PlanReader reader, FreshnessMetrics metrics, IOptions<PlanOptions> options, TimeProvider timeProvider, ILogger<FreshnessRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FreshnessRefreshInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                metrics.Update((await reader.ReadAsync(PlanReport.PlanArea, null, stoppingToken)).Freshness);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The gauges keep the last good report; the next tick tries again.
                logger.LogWarning(ex, "Computing freshness failed");
            }
        }
    }
}

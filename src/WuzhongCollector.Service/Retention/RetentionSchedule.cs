using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Retention;

/// <summary>Keeps the cleanup job's recurring entry in step with its configured cron.</summary>
public sealed class RetentionSchedule(
    IRecurringJobManager recurringJobs,
    IOptions<RetentionOptions> options,
    IOptions<CollectorOptions> collector,
    ILogger<RetentionSchedule> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!collector.Value.RunScheduler)
        {
            return Task.CompletedTask;
        }

        TimeZones.TryResolve(SourceFileLoader.DefaultTimeZone, out var zone);
        try
        {
            recurringJobs.AddOrUpdate<RetentionCleanupJob>(
                RetentionCleanupJob.RecurringJobId,
                job => job.RunAsync(CancellationToken.None),
                options.Value.Cron,
                new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
        }
        catch (DistributedLockTimeoutException ex)
        {
            // Only a killed instance leaves this lock behind, and its job is already registered; keep that one.
            logger.LogWarning("The retention job keeps its previous schedule this time: {Error}", ex.Message);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Hangfire;
using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Retention;

/// <summary>Keeps the cleanup job's recurring entry in step with its configured cron.</summary>
public sealed class RetentionSchedule(IRecurringJobManager recurringJobs, IOptions<RetentionOptions> options, IOptions<CollectorOptions> collector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (collector.Value.RunScheduler)
        {
            TimeZones.TryResolve(SourceFileLoader.DefaultTimeZone, out var zone);
            recurringJobs.AddOrUpdate<RetentionCleanupJob>(
                RetentionCleanupJob.RecurringJobId,
                job => job.RunAsync(CancellationToken.None),
                options.Value.Cron,
                new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

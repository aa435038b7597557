using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>What Hangfire holds for a host: its recurring jobs and job states, read from its real storage.</summary>
public static class HostHangfire
{
    public static Dictionary<string, string> RecurringCrons(this CollectorHost host)
    {
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        // The sources' jobs only: the service's own (retention cleanup) are not what these tests look at.
        return connection.GetRecurringJobs()
            .Where(j => !j.Id.StartsWith(RecurringJobSync.SystemJobPrefix, StringComparison.Ordinal))
            .ToDictionary(j => j.Id, j => j.Cron);
    }

    /// <summary>Waits until the recurring jobs are exactly these (id → cron).</summary>
    public static Task<Dictionary<string, string>> WaitForRecurringAsync(this CollectorHost host, IDictionary<string, string> expected, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            () => Task.FromResult(host.RecurringCrons()),
            crons => crons.Count == expected.Count && expected.All(e => crons.TryGetValue(e.Key, out var cron) && cron == e.Value),
            $"recurring jobs {string.Join(", ", expected.Select(e => $"{e.Key}={e.Value}"))}",
            timeout);

    public static string Trigger(this CollectorHost host, string sourceId) =>
        host.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(sourceId);

    /// <summary>Waits until a job reaches one of these states and returns its state name and reason.</summary>
    public static Task<(string? State, string? Reason)> WaitForJobAsync(this CollectorHost host, string jobId, params string[] states) =>
        Eventually.WaitAsync(
            () =>
            {
                using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
                var state = connection.GetStateData(jobId);
                return Task.FromResult((state?.Name, state?.Reason));
            },
            s => s.Name is not null && states.Contains(s.Name),
            $"job {jobId} to reach {string.Join("/", states)}",
            TimeSpan.FromSeconds(30));

    /// <summary>Hangfire's never-due cron, which a paused source's recurring job carries.</summary>
    public static string Never => Cron.Never();
}

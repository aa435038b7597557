using Hangfire.Common;
using Hangfire.Server;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// Gives the running job its Hangfire id and attempt without adding parameters to the job method,
/// whose only argument must stay the source id.
/// </summary>
public sealed class JobContext : IServerFilter
{
    private static readonly AsyncLocal<PerformContext?> Current = new();

    public static string? JobId => Current.Value?.BackgroundJob.Id;

    /// <summary>1 for the first run of an occurrence, 2 after Hangfire's first retry, and so on.</summary>
    public static int Attempt => (Current.Value?.GetJobParameter<int?>("RetryCount") ?? 0) + 1;

    /// <summary>
    /// Writes a job parameter of the running job (the dashboard shows them on the job's page), from any thread:
    /// the job is captured now, and each write takes a storage connection of its own, as the worker's is not
    /// shared across threads. Outside a job (the CLI) it does nothing.
    /// </summary>
    public static Func<string, CancellationToken, Task> SetParameter(string name)
    {
        var job = Current.Value;
        return (value, _) =>
        {
            if (job is not null)
            {
                using var connection = job.Storage.GetConnection();
                connection.SetJobParameter(job.BackgroundJob.Id, name, SerializationHelper.Serialize(value, SerializationOption.User));
            }

            return Task.CompletedTask;
        };
    }

    public void OnPerforming(PerformingContext context) => Current.Value = context;

    public void OnPerformed(PerformedContext context) => Current.Value = null;
}

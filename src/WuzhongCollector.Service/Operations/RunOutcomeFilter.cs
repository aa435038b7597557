using Hangfire.States;
using Npgsql;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Service.Operations;

/// <summary>
/// After each collect job: writes the run's key steps into the Hangfire state's reason, which the dashboard
/// shows in the job's history (file or URL without query string, calls, rows read, stored, unchanged,
/// rejected, missing, retries with reasons, error), counts the run in the metrics, and raises the
/// repeated-failure alerts. Runs after AutomaticRetry (order 20), so it sees whether a retry was chosen.
/// </summary>
public sealed class RunOutcomeFilter(NpgsqlDataSource dataSource, CollectorMetrics metrics, FailureAlerts alerts) : IElectStateFilter
{
    public const int Order = 30;

    public void OnStateElection(ElectStateContext context)
    {
        var job = context.BackgroundJob.Job;
        if (context.CurrentState != ProcessingState.StateName || job?.Type != typeof(CollectSourceJob) || job.Args.Count == 0 || job.Args[0] is not string sourceId)
        {
            return;
        }

        if (context.CandidateState is not (SucceededState or FailedState or ScheduledState))
        {
            return;
        }

        var run = RunRecord.LatestOfJob(dataSource, context.BackgroundJob.Id);
        var outcome = run?.Outcome ?? (context.CandidateState is SucceededState ? "succeeded" : "failed-permanent");
        metrics.RunFinished(sourceId, outcome, run);
        var summary = run?.Describe() ?? $"no run was recorded for {sourceId}";
        if (outcome.StartsWith("failed-", StringComparison.Ordinal) && alerts.AfterFailure(sourceId, run?.Error) is { } pausedReason)
        {
            // No more retries for a source that has just paused itself.
            context.CandidateState = new FailedState(new PermanentSourceException($"{sourceId}: {pausedReason}")) { Reason = $"{pausedReason} | {summary}" };
            return;
        }

        switch (context.CandidateState)
        {
            case SucceededState succeeded:
                succeeded.Reason = summary;
                break;
            case FailedState failed:
                failed.Reason = Combine(failed.Reason, summary);
                break;
            case ScheduledState retry:
                retry.Reason = Combine(retry.Reason, summary);
                break;
        }
    }

    private static string Combine(string? reason, string summary) => string.IsNullOrEmpty(reason) ? summary : $"{reason} | {summary}";
}

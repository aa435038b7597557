using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Operations;

/// <summary>
/// Airbyte-style repeated-failure handling: a warning (log and metric) after M consecutive failed runs, and
/// after N the source pauses itself, says why, and stays visible until someone resumes it. Nothing is deleted.
/// </summary>
public sealed class FailureAlerts(
    NpgsqlDataSource dataSource,
    SourcePauses pauses,
    CollectorMetrics metrics,
    IOptions<OperationsOptions> options,
    ILogger<FailureAlerts> logger)
{
    /// <summary>Failed runs of source <c>s</c> since its last success or resume, as column <c>failures</c>.</summary>
    public const string ConsecutiveFailuresSql = $"""
        (SELECT count(*)::int FROM run r
         WHERE r.source_id = s.id AND r.outcome LIKE 'failed-%'
           AND r.id > coalesce((SELECT max(ok.id) FROM run ok WHERE ok.source_id = s.id AND ok.outcome IN ({Collection.RunOutcomes.SuccessfulSql})), 0)
           AND r.started_at > coalesce((SELECT c.resumed_at FROM source_control c WHERE c.source_id = s.id), '-infinity')) AS failures
        """;

    /// <summary>Called after a failed run; returns the reason when the source has just paused itself.</summary>
    public string? AfterFailure(string sourceId, string? lastError)
    {
        int failures;
        using (var connection = dataSource.OpenConnection())
        {
            failures = connection.ExecuteScalar<int>($"SELECT {ConsecutiveFailuresSql} FROM source s WHERE s.id = @sourceId", new { sourceId });
        }

        var settings = options.Value;
        if (settings.AutoPauseAfter > 0 && failures >= settings.AutoPauseAfter)
        {
            // Hangfire's filter API is synchronous; this runs on a worker thread after the job, so blocking is safe.
            var state = pauses.StateAsync(sourceId, CancellationToken.None).GetAwaiter().GetResult();
            if (state is null || state.Paused)
            {
                return null;
            }

            var reason = $"paused automatically after {failures} consecutive failed runs; last error: {lastError}";
            pauses.PauseAsync(sourceId, reason, "auto", CancellationToken.None).GetAwaiter().GetResult();
            metrics.FailureAlert(sourceId, "paused");
            logger.LogError("Source {Source} paused itself after {Failures} consecutive failed runs; last error: {Error}. Resume it once fixed: 'resume {Source}' or POST /api/sources/{Source}/resume",
                sourceId, failures, lastError, sourceId, sourceId);
            return reason;
        }

        if (settings.FailureWarningAfter > 0 && failures >= settings.FailureWarningAfter)
        {
            metrics.FailureAlert(sourceId, "warning");
            logger.LogWarning("Source {Source} failed {Failures} times in a row; last error: {Error}", sourceId, failures, lastError);
        }

        return null;
    }
}

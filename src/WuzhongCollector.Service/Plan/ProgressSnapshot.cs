using Dapper;
using Npgsql;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Progress;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// Keeps <c>progress_snapshot</c> (behind the analysts' <c>analyst.progress</c> view) in step with the figures:
/// written inside each collect run's transaction, so the view never shows progress of figures not committed.
/// </summary>
public sealed class ProgressSnapshot(PlanReader reader, ILogger<ProgressSnapshot> logger)
{
    /// <summary>
    /// Writes the snapshot inside a collect run's transaction, behind a savepoint: a failure here is logged and
    /// leaves the previous snapshot, and never costs the run its figures.
    /// </summary>
    public async Task TryWriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync("progress_snapshot", cancellationToken);
        try
        {
            await WriteAsync(connection, transaction, cancellationToken);
            await transaction.ReleaseAsync("progress_snapshot", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await transaction.RollbackAsync("progress_snapshot", cancellationToken);
            logger.LogError(ex, "Updating progress_snapshot failed; analyst.progress keeps the previous figures until the next run");
        }
    }

    public async Task<PlanReport> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Runs of different sources commit in parallel: one writer at a time, and each reads what the one
        // before it committed (read committed takes a fresh snapshot per statement), so the last writer wins with all figures.
        // A table lock, not an advisory one, which the analysts' role could take and so hold every run's commit;
        // EXCLUSIVE still lets analyst.progress be read meanwhile.
        await connection.ExecuteAsync(new CommandDefinition("LOCK TABLE progress_snapshot IN EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));
        var report = await reader.ReadAsync(connection, transaction, PlanReport.PlanArea, null, cancellationToken);
        var rows = report.Indicators.SelectMany(i => i.Progress.Targets.Select(t => new
        {
            i.Indicator.Code, t.Target.Year, Comparator = t.Target.Comparator.ToSymbol(), TargetValue = t.Target.Value, Status = t.Status.ToText(),
            LatestPeriod = t.Latest?.Period.Id, LatestValue = t.Latest?.Value, t.Baseline, t.Progress,
            Method = t.Projection?.Method, ProjectedValue = t.Projection?.Value, ProjectedProgress = t.Projection?.Progress,
            t.NeededAnnualChange, t.NeededAnnualGrowthPercent, t.Reason, ComputedAt = report.EvaluatedAt,
        })).ToList();
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM progress_snapshot", transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO progress_snapshot (indicator_code, target_year, comparator, target_value, status, latest_period, latest_value, baseline, progress,
                projection_method, projected_value, projected_progress, needed_annual_change, needed_annual_growth_percent, reason, computed_at)
            VALUES (@Code, @Year, @Comparator, @TargetValue, @Status, @LatestPeriod, @LatestValue, @Baseline, @Progress,
                @Method, @ProjectedValue, @ProjectedProgress, @NeededAnnualChange, @NeededAnnualGrowthPercent, @Reason, @ComputedAt)
            """, rows, transaction, cancellationToken: cancellationToken));
        return report;
    }

    public async Task<PlanReport> RefreshAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var report = await WriteAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return report;
    }
}

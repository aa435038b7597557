using Dapper;
using Npgsql;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// Keeps <c>progress_snapshot</c> (behind the analysts' <c>analyst.progress</c> view) in step with the figures.
/// A collect run rewrites, inside its own transaction, the rows of the indicators it stated figures for in the
/// plan's district: the view never shows progress of figures not committed, and a run does not pay for the
/// indicators it did not touch. At start every row is rewritten, for the catalogue and settings of the day.
/// </summary>
public sealed class ProgressSnapshot(PlanReader reader, SourceRegistry registry, TimeProvider timeProvider, ILogger<ProgressSnapshot> logger)
{
    /// <summary>
    /// Rewrites the rows of <paramref name="touched"/> indicators (and of those derived from them) behind a
    /// savepoint: a failure here is logged and leaves the previous rows, and never costs the run its figures.
    /// </summary>
    public async Task TryWriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> touched, CancellationToken cancellationToken)
    {
        var indicators = registry.Catalogue.Indicators
            .Where(i => touched.Contains(i.Code) || (i.DerivedFrom is { } from && touched.Contains(from)))
            .ToList();
        if (indicators.Count == 0)
        {
            return;
        }

        await transaction.SaveAsync("progress_snapshot", cancellationToken);
        try
        {
            await LockAsync(connection, transaction, indicators, cancellationToken);
            var reports = await reader.JudgeAsync(connection, transaction, indicators, cancellationToken);
            await ReplaceAsync(connection, transaction, reports, timeProvider.GetUtcNow(), all: false, cancellationToken);
            await transaction.ReleaseAsync("progress_snapshot", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await transaction.RollbackAsync("progress_snapshot", cancellationToken);
            logger.LogError(ex, "Updating progress_snapshot failed; analyst.progress keeps the previous figures until the next run");
        }
    }

    /// <summary>Rewrites every row: at start, when the catalogue or the monitoring settings may have changed.</summary>
    public async Task<PlanReport> RefreshAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, registry.Catalogue.Indicators, cancellationToken);
        var report = await reader.ReadAsync(connection, transaction, PlanReport.PlanArea, null, cancellationToken);
        await ReplaceAsync(connection, transaction, report.Indicators, report.EvaluatedAt, all: true, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return report;
    }

    /// <summary>
    /// Runs of different sources commit in parallel. Each indicator's rows have one writer at a time, held to the
    /// end of its transaction, so the next writer reads the figures this one commits (read committed takes a fresh
    /// snapshot per statement): the last writer of an indicator wins with all of its figures. Locks are taken in
    /// code order, so two runs never deadlock. Row locks on indicator, not advisory locks: any role may take an
    /// advisory key, the analysts' too, and so hold every run's commit; NO KEY UPDATE needs the service's UPDATE
    /// right and does not conflict with the key-share locks that inserting figures takes.
    /// </summary>
    private static Task<int> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<Indicator> indicators, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM indicator WHERE code = ANY(@codes) ORDER BY code FOR NO KEY UPDATE",
            new { codes = indicators.Select(i => i.Code).ToArray() }, transaction, cancellationToken: cancellationToken));

    private static async Task ReplaceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<IndicatorReport> reports,
        DateTimeOffset computedAt, bool all, CancellationToken cancellationToken)
    {
        var rows = reports.SelectMany(i => i.Progress.Targets.Select(t => new
        {
            i.Indicator.Code, t.Target.Year, Comparator = t.Target.Comparator.ToSymbol(), TargetValue = t.Target.Value, Status = t.Status.ToText(),
            LatestPeriod = t.Latest?.Period.Id, LatestValue = t.Latest?.Value, t.Baseline, t.Progress,
            Method = t.Projection?.Method, ProjectedValue = t.Projection?.Value, ProjectedProgress = t.Projection?.Progress,
            t.NeededAnnualChange, t.NeededAnnualGrowthPercent, t.Reason, ComputedAt = computedAt,
        })).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM progress_snapshot WHERE @all OR indicator_code = ANY(@codes)",
            new { all, codes = reports.Select(r => r.Indicator.Code).ToArray() }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO progress_snapshot (indicator_code, target_year, comparator, target_value, status, latest_period, latest_value, baseline, progress,
                projection_method, projected_value, projected_progress, needed_annual_change, needed_annual_growth_percent, reason, computed_at)
            VALUES (@Code, @Year, @Comparator, @TargetValue, @Status, @LatestPeriod, @LatestValue, @Baseline, @Progress,
                @Method, @ProjectedValue, @ProjectedProgress, @NeededAnnualChange, @NeededAnnualGrowthPercent, @Reason, @ComputedAt)
            """, rows, transaction, cancellationToken: cancellationToken));
    }
}

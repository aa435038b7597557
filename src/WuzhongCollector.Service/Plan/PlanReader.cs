using Npgsql;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Core.Quality;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Sources;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// Reads the current figures and judges every indicator with the Core rules: the one path to a <see cref="PlanReport"/>.
/// Reads on its own go through the readers' pool; the worker passes its own connection.
/// </summary>
public sealed class PlanReader([FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource dataSource, SourceRegistry registry, MonitoringSettings settings, ReportingPlan reporting, TimeProvider timeProvider)
{
    private readonly FreshnessReport.Horizon horizon = new(settings.PlanEndYear,
        reporting.Settings.Assignments.ToDictionary(a => a.Indicator.Code, a => a.Rule, StringComparer.Ordinal));

    public MonitoringSettings Settings => settings;

    public async Task<PlanReport> ReadAsync(string area, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, area, asOf, cancellationToken);
    }

    public async Task<PlanReport> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string area, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        var catalogue = registry.Catalogue;
        var now = timeProvider.GetUtcNow();
        var figures = await CurrentFigures.LoadAsync(connection, transaction, catalogue.Indicators.Select(i => i.Code).ToList(), area, asOf, cancellationToken);
        var freshness = await FreshnessReport.ReadAsync(connection, transaction, registry, horizon, now, asOf, cancellationToken);
        var indicators = catalogue.Indicators.Select(i => Judge(i, figures, freshness.Indicators.GetValueOrDefault(i.Code))).ToList();
        return new PlanReport(area, asOf, now, freshness, indicators);
    }

    /// <summary>
    /// The progress of some indicators of the plan's district as the figures stand now, without freshness: what
    /// progress_snapshot keeps. A derived indicator reads the figures of the one it derives from.
    /// </summary>
    public async Task<IReadOnlyList<IndicatorReport>> JudgeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Indicator> indicators, CancellationToken cancellationToken)
    {
        var codes = indicators.Select(i => i.Kind == IndicatorKind.Derived ? i.DerivedFrom! : i.Code).Distinct(StringComparer.Ordinal).ToList();
        var figures = await CurrentFigures.LoadAsync(connection, transaction, codes, PlanReport.PlanArea, null, cancellationToken);
        return indicators.Select(i => Judge(i, figures, null)).ToList();
    }

    private IndicatorReport Judge(Indicator indicator, Dictionary<string, List<CurrentFigure>> figures, IndicatorFreshness? freshnessState)
    {
        if (indicator.Kind == IndicatorKind.Derived)
        {
            var source = figures.GetValueOrDefault(indicator.DerivedFrom!) ?? [];
            var derived = ProgressCalculator.Evaluate(indicator, source.Select(f => f.ToSeriesValue()).ToList(), settings);
            var computed = derived.Figures
                .Select(f => new FigureReport(f.Period.Id, f.Period.TypeName, f.Period.End, f.Value, "derived", indicator.DerivedFrom!, null, null, null, null, []))
                .ToList();
            return new IndicatorReport(indicator, derived, computed, freshnessState);
        }

        var stored = figures.GetValueOrDefault(indicator.Code) ?? [];
        var values = stored.Select(f => f.ToSeriesValue()).ToList();
        var progress = ProgressCalculator.Evaluate(indicator, values, settings);
        var range = settings.RangeFor(indicator.Code, indicator.Unit);
        var outliers = QualityChecks.Outliers(values, settings.OutlierThreshold, settings.OutlierMinPoints);
        var reports = stored.Select((f, index) =>
        {
            List<QualityFlag> flags = [];
            if (QualityChecks.CheckRange(f.Value, range) is { } outOfRange)
            {
                flags.Add(outOfRange);
            }

            if (outliers.TryGetValue(index, out var outlier))
            {
                flags.Add(outlier);
            }

            return new FigureReport(f.Period, f.PeriodType, DateOnly.FromDateTime(f.PeriodEnd), f.Value, f.Status, f.Source, f.Vintage, f.RunId,
                DateTime.SpecifyKind(f.RecordedAt, DateTimeKind.Utc), f.Location, flags);
        }).ToList();
        return new IndicatorReport(indicator, progress, reports, freshnessState);
    }
}

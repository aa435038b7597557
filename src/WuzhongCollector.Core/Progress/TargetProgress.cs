using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Core.Progress;

/// <summary>
/// One target judged against its series. <c>Latest</c> is the figure judged: the latest up to the end of the
/// target year, else the latest of all. <c>Baseline</c> is where the way to the target starts: 0 for cumulative
/// counts and derived rates, else the base-year figure (for "at most" targets without one, the first figure).
/// <c>Progress</c> is the share of that way covered (1 = reached), 4 places. <c>NeededAnnualChange</c> is the
/// change per year, in the indicator's unit, still needed to reach the target in time; <c>NeededAnnualGrowthPercent</c>
/// the compound growth per year (for a derived rate: of its source series). <c>Reason</c> says why, in one sentence.
/// </summary>
public sealed record TargetProgress(
    Target Target,
    ProgressStatus Status,
    SeriesValue? Latest,
    decimal? Baseline,
    decimal? Progress,
    Projection? Projection,
    decimal? NeededAnnualChange,
    decimal? NeededAnnualGrowthPercent,
    string Reason);

/// <summary>
/// Where the series is heading by the end of the target year. <c>Method</c> is linear (stocks, cumulative
/// counts, rates), compound (annual flows) or derived-cagr; <c>Path</c> runs from the latest figure to the
/// target year, one point per year end, for charts.
/// </summary>
public sealed record Projection(string Method, decimal Value, decimal Progress, IReadOnlyList<ProjectedPoint> Path);

public sealed record ProjectedPoint(DateOnly Date, decimal Value);

/// <summary>An indicator's judged figures (for a derived indicator, the computed rates) and each of its targets.</summary>
public sealed record IndicatorProgress(Indicator Indicator, IReadOnlyList<SeriesValue> Figures, IReadOnlyList<TargetProgress> Targets);

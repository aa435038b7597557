using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Quality;

namespace WuzhongCollector.Core.Monitoring;

/// <summary>
/// How progress, quality and freshness are judged, from <c>config/monitoring.yaml</c>. The defaults are the
/// values that file ships with.
/// </summary>
public sealed record MonitoringSettings
{
    /// <summary>The year before the plan starts: the baseline of progress and of the derived growth rate.</summary>
    public int BaseYear { get; init; } = 2020;

    /// <summary>
    /// The plan's last year (2021–2023: 2023). Reporting obligations and freshness end with it, unless an indicator's
    /// <c>trackedUntil</c> in the catalogue says later; after it, the plan page leads with the final evaluation.
    /// </summary>
    public int PlanEndYear { get; init; } = 2023;

    /// <summary>Projected progress at the target year (share of the way from baseline to target) needed for "on track".</summary>
    public decimal OnTrackFrom { get; init; } = 1.0m;

    /// <summary>Projected progress needed for "at risk"; below it the target is "off track".</summary>
    public decimal AtRiskFrom { get; init; } = 0.9m;

    /// <summary>A figure whose |modified z-score| exceeds this is flagged as an outlier.</summary>
    public decimal OutlierThreshold { get; init; } = 3.5m;

    /// <summary>Series with fewer figures of one period type are not tested for outliers.</summary>
    public int OutlierMinPoints { get; init; } = 4;

    /// <summary>Plausible ranges by unit dimension; an indicator's own range wins.</summary>
    public IReadOnlyDictionary<UnitDimension, RangeRule> DimensionRanges { get; init; } = new Dictionary<UnitDimension, RangeRule>
    {
        [UnitDimension.Percent] = new(0m, 100m),
        [UnitDimension.Count] = new(0m, null),
        [UnitDimension.Money] = new(0m, null),
        [UnitDimension.Bandwidth] = new(0m, null),
    };

    public IReadOnlyDictionary<string, RangeRule> IndicatorRanges { get; init; } = new Dictionary<string, RangeRule>(StringComparer.Ordinal);

    /// <summary>The range a figure of this indicator must fall in, or null when none applies.</summary>
    public RangeRule? RangeFor(string indicatorCode, string unit)
    {
        if (IndicatorRanges.TryGetValue(indicatorCode, out var own))
        {
            return own;
        }

        return Units.DimensionOf(unit) is { } dimension && DimensionRanges.TryGetValue(dimension, out var byUnit) ? byUnit : null;
    }
}
